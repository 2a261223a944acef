# Rtsne (bhtsne) with its defaults (PCA to 50 first, 1000 iterations) on IDX
# images, as a whole process.  usage: Rscript tsne_rtsne.R IMAGES_IDX[.gz] OUT.tsv [DIMS]
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
out <- args[2]
dims <- if (length(args) > 2) as.integer(args[3]) else 2L
con <- if (grepl("\\.gz$", path)) gzfile(path, "rb") else file(path, "rb")
magic <- readBin(con, "integer", n = 1, size = 4, endian = "big")
d <- readBin(con, "integer", n = 3, size = 4, endian = "big")
x <- readBin(con, "integer", n = d[1] * d[2] * d[3], size = 1, signed = FALSE)
close(con)
x <- matrix(as.numeric(x), nrow = d[1], byrow = TRUE)
set.seed(0)
y <- Rtsne::Rtsne(x, dims = dims, perplexity = 30, num_threads = 2, check_duplicates = FALSE)$Y
write.table(y, out, sep = "\t", row.names = FALSE, col.names = FALSE)
