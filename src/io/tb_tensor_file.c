/* tb_tensor_file.c — tensors named by a projector config's tensor_path:
 * TSV, or raw float32 (formats doc §11). */
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "io/readers.h"
#include "io/tb_internal.h"

/* TensorBoard reads tensor_path as binary when it is not valid UTF-8; the
 * first 64 KiB decide here (float32 data fail at once). */
static int looks_like_text(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c == 0) return 0;
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len) return 0;
    if (i + (size_t)len > n) return 1; /* cut at the window's end */
    for (int k = 1; k < len; k++)
      if ((p[i + (size_t)k] >> 6) != 2) return 0;
    i += (size_t)len;
  }
  return 1;
}

int ev__tb_tensor_file_read(const char *path, int64_t n_cols, int binary, ev_matrix **out, ev_source_info *info,
                            ev_notes *notes, ev__budget *b, ev_error *err) {
  *out = NULL;
  uint64_t size;
  int rc = ev__file_stat(path, "tensor file", &size, err);
  if (rc) return rc;
  unsigned char head[65536];
  FILE *f = fopen(path, "rb");
  if (!f) return ev__err(err, EV_EIO, "tensor file %s: cannot open", path);
  size_t got = fread(head, 1, sizeof head, f);
  if (!binary && looks_like_text(head, got)) {
    fclose(f);
    ev_text_options opts = ev_text_options_default();
    opts.delimiter = '\t';
    opts.header = 0; /* TensorBoard's tensors.tsv has none */
    return ev__text_tensor_read(path, &opts, out, NULL, info, notes, b, err);
  }
  if (n_cols <= 0) {
    fclose(f);
    return ev__err(err, EV_EFORMAT,
                   "tensor file %s: binary float32 data need the config's tensor_shape [N, D] to be read", path);
  }
  uint64_t row_bytes = (uint64_t)n_cols * 4;
  if (size % row_bytes) {
    fclose(f);
    return ev__err(err, EV_EMISMATCH, "tensor file %s: %llu bytes is not a whole number of %lld-float rows", path,
                   (unsigned long long)size, (long long)n_cols);
  }
  rc = ev__budget_take_matrix(b, (int64_t)(size / row_bytes), n_cols, "tensor file", path, err);
  if (!rc) rc = ev_matrix_new((int64_t)(size / row_bytes), n_cols, out, err);
  if (!rc) {
    rewind(f);
    for (int64_t r = 0; r < (*out)->n_rows && !rc; r++) {
      unsigned char *dst = (unsigned char *)ev_matrix_row(*out, r);
      if (fread(dst, 1, (size_t)row_bytes, f) != row_bytes)
        rc = ev__err(err, EV_EIO, "tensor file %s: read error at row %lld", path, (long long)r);
      /* stored little-endian; x86 and arm64 hosts are too */
    }
  }
  fclose(f);
  if (rc) {
    ev_matrix_free(*out);
    *out = NULL;
  } else if (info) {
    info->format = EV_FORMAT_TENSORBOARD;
    snprintf(info->dtype, sizeof info->dtype, "float32");
    snprintf(info->detail, sizeof info->detail, "raw float32 tensor file");
  }
  return rc;
}
