/**
 * Putting values into an HTML page safely: text and attributes escaped, data
 * for scripts as a JSON block that no value can close early.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as
 * \u escapes so that no string can end the block (`</script>`) or open a
 * comment, and U+2028/U+2029 escaped for older parsers. JSON.parse reads it back
 * unchanged.
 */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A script's source made safe to inline: the HTML parser ends a script at the
 * first `</script` whatever the JavaScript around it, and `<!--` changes how it
 * looks for that end. Both can only occur inside string or regex literals, where
 * `<\/` and `<\!` mean the same characters.
 */
export const inlineScriptSource = (source: string): string => source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
