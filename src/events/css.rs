//! The values of XEP-0071 §8's recommended CSS properties that a received message may keep: what
//! stays inside the message's own box. XEP-0071 lists the properties (`background-color`,
//! `color`, `font-family`, `font-size`, `font-style`, `font-weight`, `margin-left`,
//! `text-align`, `text-decoration`) but not their values; a stranger's `font-size: 500px` or
//! `margin-left: 100000px` would cover or push the rest of the page (`docs/decisions.md` §4).
//! Each property gets a small grammar: keywords, colours, and lengths within a bound; anything
//! else is dropped (the declaration, not the message).

/// The value `value` of the recommended property `prop` (lowercase), normalised to lowercase, if
/// it is one that stays inside a bubble.
pub(crate) fn safe_value(prop: &str, value: &str) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    let ok = match prop {
        "color" | "background-color" => is_colour(&v),
        "font-family" => {
            v.len() <= 100
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | ',' | '-'))
        }
        "font-size" => {
            is_keyword(
                &v,
                &[
                    "xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large",
                    "smaller", "larger",
                ],
            ) || length_within(
                &v,
                &[
                    ("em", 50, 200),
                    ("rem", 50, 200),
                    ("%", 5000, 20000),
                    ("px", 800, 3200),
                    ("pt", 600, 2400),
                ],
            )
        }
        "font-style" => is_keyword(&v, &["normal", "italic", "oblique"]),
        "font-weight" => is_keyword(
            &v,
            &[
                "normal", "bold", "bolder", "lighter", "100", "200", "300", "400", "500", "600",
                "700", "800", "900",
            ],
        ),
        "margin-left" => {
            v == "0"
                || length_within(
                    &v,
                    &[
                        ("em", 0, 400),
                        ("rem", 0, 400),
                        ("%", 0, 1000),
                        ("px", 0, 6400),
                        ("pt", 0, 4800),
                    ],
                )
        }
        "text-align" => is_keyword(&v, &["left", "right", "center", "justify", "start", "end"]),
        "text-decoration" => {
            let words: Vec<&str> = v.split_ascii_whitespace().collect();
            !words.is_empty()
                && words.len() <= 3
                && words
                    .iter()
                    .all(|w| is_keyword(w, &["none", "underline", "overline", "line-through"]))
        }
        _ => false,
    };
    ok.then(|| v.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
}

fn is_keyword(v: &str, words: &[&str]) -> bool {
    words.contains(&v)
}

/// A colour: a name, `#` and 3, 4, 6 or 8 hex digits, or `rgb()`/`rgba()`/`hsl()`/`hsla()` of
/// numbers (CSS Color 4 §4).
fn is_colour(v: &str) -> bool {
    if let Some(hex) = v.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if !v.is_empty() && v.len() <= 20 && v.chars().all(|c| c.is_ascii_alphabetic()) {
        return true;
    }
    ["rgb(", "rgba(", "hsl(", "hsla("].iter().any(|f| {
        v.strip_prefix(f)
            .and_then(|rest| rest.strip_suffix(')'))
            .is_some_and(|args| {
                args.len() <= 40
                    && args.chars().all(|c| {
                        c.is_ascii_digit()
                            || matches!(c, '.' | ',' | '%' | ' ' | '/' | 'd' | 'e' | 'g')
                    })
            })
    })
}

/// Whether `v` is a non-negative length whose unit is listed, with its number (in hundredths)
/// between that unit's bounds.
fn length_within(v: &str, units: &[(&str, u32, u32)]) -> bool {
    units.iter().any(|(unit, min, max)| {
        v.strip_suffix(unit)
            .and_then(hundredths)
            .is_some_and(|n| (*min..=*max).contains(&n))
    })
}

/// `12`, `1.5`, `.75` in hundredths (at most two decimals, no sign, no exponent).
fn hundredths(n: &str) -> Option<u32> {
    let (int, frac) = n.split_once('.').unwrap_or((n, ""));
    if (int.is_empty() && frac.is_empty()) || int.len() > 6 || frac.len() > 2 {
        return None;
    }
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return None;
    }
    let whole: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let part: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(whole * 100 + part)
}

#[cfg(test)]
mod tests {
    use super::safe_value;

    /// Every recommended property of XEP-0071 §8 keeps ordinary values and loses the ones that
    /// reach out of a bubble.
    #[test]
    fn the_profile_property_by_property() {
        let kept = [
            ("color", "Red", "red"),
            ("color", "#1a2B3c", "#1a2b3c"),
            ("color", "rgb(10, 20, 30)", "rgb(10, 20, 30)"),
            (
                "color",
                "hsla(120deg 50% 50% / .5)",
                "hsla(120deg 50% 50% / .5)",
            ),
            ("background-color", "yellow", "yellow"),
            ("font-family", "Georgia, serif", "georgia, serif"),
            ("font-size", "large", "large"),
            ("font-size", "1.5em", "1.5em"),
            ("font-size", "120%", "120%"),
            ("font-size", "14px", "14px"),
            ("font-style", "italic", "italic"),
            ("font-weight", "bold", "bold"),
            ("font-weight", "700", "700"),
            ("margin-left", "0", "0"),
            ("margin-left", "2em", "2em"),
            ("margin-left", "40px", "40px"),
            ("text-align", "center", "center"),
            (
                "text-decoration",
                "underline  line-through",
                "underline line-through",
            ),
        ];
        for (prop, value, want) in kept {
            assert_eq!(
                safe_value(prop, value).as_deref(),
                Some(want),
                "{prop}: {value}"
            );
        }
        let dropped = [
            ("color", "#12"),
            ("color", "rgb(1,2,3); position: fixed"),
            ("color", "var(--x)"),
            ("font-family", "a\u{202e}b"),
            ("font-size", "500px"),
            ("font-size", "10em"),
            ("font-size", "1px"),
            ("font-size", "calc(100vw)"),
            ("font-size", "50vw"),
            ("font-size", "-1em"),
            ("font-size", "1e3px"),
            ("margin-left", "100000px"),
            ("margin-left", "-50px"),
            ("margin-left", "5em"),
            ("margin-left", "50%"),
            ("margin-left", "10vw"),
            ("text-align", "-webkit-center"),
            ("text-decoration", "blink"),
            ("text-decoration", "underline wavy red"),
            ("font-weight", "950"),
            ("position", "fixed"),
            ("width", "100px"),
        ];
        for (prop, value) in dropped {
            assert_eq!(safe_value(prop, value), None, "{prop}: {value}");
        }
    }
}
