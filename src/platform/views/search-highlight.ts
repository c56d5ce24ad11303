/**
 * Marks around matched words in search results: control characters that never occur in catalogue text, so
 * a view can escape the text first and then turn only these marks into <mark> elements.
 */
export const highlightStart = '\u0002'
export const highlightStop = '\u0003'
