/* "a, b\nc" → ["a", "b", "c"]: trimmed, without blanks or repeats. */
function splitList(text) {
  const seen = new Set();
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item && !seen.has(item.toLowerCase()) && seen.add(item.toLowerCase()));
}
