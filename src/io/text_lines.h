/* text_lines.h — line handling shared by the text readers, following the
 * TensorBoard projector's JavaScript parser.  Internal. */
#ifndef EV_IO_TEXT_LINES_H
#define EV_IO_TEXT_LINES_H

#include <stddef.h>

/* 1 when String.prototype.trim() would leave the bytes empty: only ASCII
 * TAB/LF/VT/FF/CR/SPACE and the Unicode White_Space characters JavaScript
 * trims (U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000, U+FEFF).  U+0085 (NEL) is not blank for JavaScript. */
int ev__js_blank(const char *s, size_t len);

/* Skip a UTF-8 byte order mark at *pos (Excel writes one; JavaScript's
 * TextDecoder drops it), so it never ends up in a first field. */
void ev__skip_bom(const char **pos, const char *end);

/* Next line of [*pos, end): returns its start and length without the '\n';
 * advances *pos past the '\n'.  Returns NULL at the end. */
const char *ev__next_line(const char **pos, const char *end, size_t *len);

#endif
