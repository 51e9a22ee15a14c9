// The benches' one statistic: the median of a list of numbers (the mean of the middle two for an
// even count).
export const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
