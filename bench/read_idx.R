# read_idx(path): IDX images (raw or .gz) as an N x (H*W) numeric matrix.
read_idx <- function(path) {
  con <- if (grepl("\\.gz$", path)) gzfile(path, "rb") else file(path, "rb")
  magic <- readBin(con, "integer", n = 1, size = 4, endian = "big")
  d <- readBin(con, "integer", n = 3, size = 4, endian = "big")
  x <- readBin(con, "integer", n = d[1] * d[2] * d[3], size = 1, signed = FALSE)
  close(con)
  matrix(as.numeric(x), nrow = d[1], byrow = TRUE)
}
