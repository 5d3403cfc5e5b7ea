# baton: the two commands are `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
LISTEN ?= 127.0.0.1:8013
DATA_DIR ?= ./data

.PHONY: deps build run test bench format clean fuzz test-sanitize crash

deps:
	@./scripts/install-deps

$(BUILD_DIR)/build.ninja:
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: deps $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@$(BUILD_DIR)/baton serve --listen $(LISTEN) --data-dir $(DATA_DIR)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

# The long reliability runs (docs/reliability.md); `make test` runs a bounded slice of each.
FUZZ_REQUESTS ?= 100000
FUZZ_SEED ?= 1
ASAN_DIR ?= build-asan

fuzz: build
	@/usr/bin/python3 tests/fuzz/fuzz.py --build-dir $(BUILD_DIR) --requests $(FUZZ_REQUESTS) \
	  --seed $(FUZZ_SEED) --report $(BUILD_DIR)/fuzz-report.json

test-sanitize: deps
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DBATON_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS) --target baton
	@rm -rf $(ASAN_DIR)/sanitizer && mkdir -p $(ASAN_DIR)/sanitizer
	@ASAN_OPTIONS=log_path=$(CURDIR)/$(ASAN_DIR)/sanitizer/asan:detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	  UBSAN_OPTIONS=log_path=$(CURDIR)/$(ASAN_DIR)/sanitizer/ubsan:print_stacktrace=1:halt_on_error=1 \
	  /usr/bin/python3 tests/fuzz/fuzz.py --build-dir $(ASAN_DIR) --requests $(FUZZ_REQUESTS) \
	  --seed $(FUZZ_SEED) --report $(ASAN_DIR)/fuzz-report.json
	@if ls $(ASAN_DIR)/sanitizer/* >/dev/null 2>&1; then \
	  echo "test-sanitize: sanitizer reports:"; cat $(ASAN_DIR)/sanitizer/*; exit 1; fi
	@echo "test-sanitize: $(FUZZ_REQUESTS) requests, 0 sanitizer reports"

bench: build
	@./bench/run-all

format:
	@clang-format-14 -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp')

clean:
	@rm -rf $(BUILD_DIR)
