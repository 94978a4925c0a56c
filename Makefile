# Thin front over CMake. The two commands a newcomer needs: `make run`, `make test`.
BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= 2
CMAKE_ARGS ?=
PORT       ?= 11211

.PHONY: all deps build run test test-asan test-tsan bench bench-compare format clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSHOAL_WERROR=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	$(BUILD_DIR)/src/server/shoal -l 127.0.0.1 -p $(PORT)

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

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan build-tsan build-release
