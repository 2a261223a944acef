# Rtsne (bhtsne) with its defaults (PCA to 50 first, 1000 iterations) on IDX
# images, as a whole process.  usage: Rscript tsne_rtsne.R IMAGES_IDX[.gz] OUT.tsv [DIMS]
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
out <- args[2]
dims <- if (length(args) > 2) as.integer(args[3]) else 2L
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "read_idx.R"))
x <- read_idx(path)
set.seed(0)
y <- Rtsne::Rtsne(x, dims = dims, perplexity = 30, num_threads = 2, check_duplicates = FALSE)$Y
write.table(y, out, sep = "\t", row.names = FALSE, col.names = FALSE)
