# Thin front over CMake. The two commands a newcomer needs: `make run`, `make test`.
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= 2
CMAKE_ARGS ?=
PORT       ?= 11211
# Like memcached, shoal refuses to run as root without -u: drop to nobody.
RUN_USER   := $(if $(filter 0,$(shell id -u)),-u nobody,)

.PHONY: all deps build run test test-asan test-tsan bench bench-compare format clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSHOAL_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/src/server/shoal -l 127.0.0.1 -p $(PORT) $(RUN_USER)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

test-asan:
	@$(MAKE) --no-print-directory test BUILD_DIR=build-asan BUILD_TYPE=Debug \
	  CMAKE_ARGS="-DSHOAL_SANITIZE=address -DSHOAL_BUILD_BENCH=OFF"

test-tsan:
	@$(MAKE) --no-print-directory test BUILD_DIR=build-tsan BUILD_TYPE=RelWithDebInfo \
	  CMAKE_ARGS="-DSHOAL_SANITIZE=thread -DSHOAL_BUILD_BENCH=OFF"

bench: BUILD_TYPE = Release
bench: BUILD_DIR = build-release
bench: build
	scripts/run_benchmarks.sh $(BUILD_DIR)

# shoal against memcached on this machine, side by side (a long run: about
# 20 minutes). BENCH_ARGS e.g. "--part all --runs 5"; see bench/compare/.
bench-compare: BUILD_TYPE = Release
bench-compare: BUILD_DIR = build-release
bench-compare: build
	@scripts/deps.sh python3-matplotlib valgrind strace
	bench/compare/bench_compare.py --build $(BUILD_DIR) $(BENCH_ARGS)

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan build-tsan build-release
