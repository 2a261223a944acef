# uwot with its defaults (Annoy kNN, spectral init, 500 / 200 epochs,
# min_dist 0.01 -> here 0.1 as the benchmark's setting) on IDX images, as a
# whole process.  usage: Rscript umap_uwot.R IMAGES_IDX[.gz] OUT.tsv [DIMS] [SGD_THREADS]
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
out <- args[2]
dims <- if (length(args) > 2) as.integer(args[3]) else 2L
sgd <- if (length(args) > 3) as.integer(args[4]) else 0L
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "read_idx.R"))
x <- read_idx(path)
set.seed(0)
y <- uwot::umap(x, n_neighbors = 15, min_dist = 0.1, n_components = dims, n_threads = 2,
                n_sgd_threads = sgd)
write.table(y, out, sep = "\t", row.names = FALSE, col.names = FALSE)
