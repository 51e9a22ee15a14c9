# The package's wasm-opt flags (binaryen 132 from npm), sourced by scripts/build.sh and
# scripts/bench-core.sh: `features` (what the wasm uses) and `optimize` (the size pass).
# --one-caller-inline-max-function-size=0: wasm-opt's inlining of functions called once (the
# xso parsers into the frame handler) made the gzip 42 KB larger (measured: 459 -> 417 KB).
features=(--enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-multivalue)
# --gufa-optimizing -Oz after it: Binaryen's whole-program flow analysis (the values that can
# reach each location) then -Oz again: 534 B gzip, 779 B brotli smaller, ~6 s.
# --always-inline-max-function-size=6: functions of at most 6 bytes are inlined everywhere; with
# LLVM's inlining limited to free calls (.cargo/config.toml) this keeps the incoming path's speed
# and is smaller than the default of 2 (measured 4, 6, 8, 10: 6 was as fast as before, 8 and
# more grew the wasm by 40 KB and more).
optimize=(-Oz --one-caller-inline-max-function-size=0 --always-inline-max-function-size=6 "${features[@]}"
  --gufa-optimizing -Oz)
