# embview — the README's commands.  CMake does the real build; this file
# installs dependencies, configures and runs things in one step each.
#
#   make demo            build and run the MNIST-10k demo
#   make install         headers, libraries, CMake package, pkg-config files and the CLI under PREFIX
#   make test            build and run every test (ctest's summary comes last)
#   make test-sanitize   the same suite under AddressSanitizer + UBSan
#   make test-variants   clang -Werror build and a build without OpenMP, with tests
#   make bench           benchmarks beside the reference tools (slow)
#   make fuzz            every libFuzzer harness (or FUZZ_HARNESSES) for FUZZ_SECONDS each (clang; fuzz/README.md)
#   make fuzz-smoke      every harness for 20 s; fails on any crash, leak, timeout or OOM
#   make fuzz-campaign   every harness until it has used FUZZ_CPU_SECONDS of CPU (1800), across runs

BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES ?=
FUZZ_CPU_SECONDS ?= 1800
PREFIX ?= /usr/local

.PHONY: all build install demo test test-sanitize test-variants bench deps clean fuzz fuzz-smoke fuzz-build fuzz-campaign

all: build

deps:
	@scripts/deps.sh build

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DEV_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

demo: build
	@scripts/demo.sh $(BUILD)

test:
	@scripts/deps.sh test
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DEV_WERROR=ON -DBUILD_TESTING=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-sanitize:
	@scripts/deps.sh test
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEV_SANITIZE=ON -DEV_WERROR=ON -DBUILD_TESTING=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

test-variants:
	@scripts/deps.sh variants
	@CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Release -DEV_WERROR=ON -DBUILD_TESTING=ON >/dev/null
	@cmake --build build-clang -j $(JOBS)
	@cd build-clang && ctest -j $(JOBS) --output-on-failure
	@cmake -S . -B build-noomp -DCMAKE_BUILD_TYPE=Release -DEV_WERROR=ON -DEV_OPENMP=OFF -DBUILD_TESTING=ON >/dev/null
	@cmake --build build-noomp -j $(JOBS)
	@cd build-noomp && ctest -j $(JOBS) --output-on-failure

bench: build
	@scripts/deps.sh bench
	@bench/run_pca.sh $(BUILD)
	@bench/run_knn.sh $(BUILD)
	@bench/run_tsne.sh $(BUILD)
	@bench/run_umap.sh $(BUILD)
	@bench/run_analyze.sh $(BUILD)
	@bench/run_serve.sh $(BUILD)
	@bench/run_serve_hostile.sh $(BUILD)
	@bench/run_viewer.sh $(BUILD)
	@bench/run_hostile_readers.sh $(BUILD)

# The harnesses with libFuzzer: clang, the library instrumented (ASan, UBSan,
# coverage).  Working corpora and crashes stay in $(FUZZ_BUILD) (outside git).
# Without OpenMP: harnesses run one thread anyway, and LLVM's OpenMP runtime
# leaves a file in /dev/shm behind every process that crashes or times out.
fuzz-build:
	@scripts/deps.sh fuzz
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEV_FUZZ=ON -DEV_OPENMP=OFF -DBUILD_TESTING=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	@fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)

fuzz-smoke: fuzz-build
	@fuzz/run.sh --smoke $(FUZZ_BUILD) 20 $(FUZZ_HARNESSES)

# A campaign counted in CPU time (fuzz/campaign.sh): timeouts are replayed by
# the test build's replay_* binaries under their CPU-time limit.
fuzz-campaign: fuzz-build build
	@REPLAY_BUILD=$(BUILD) fuzz/campaign.sh $(FUZZ_BUILD) $(FUZZ_CPU_SECONDS) $(FUZZ_HARNESSES)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-clang build-noomp $(FUZZ_BUILD)
