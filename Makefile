# Zhijian (智检) — the two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= 2
DEMO_DIR   ?= var/demo
DEMO_DB    ?= sqlite:$(DEMO_DIR)/zhijian.db
PORT       ?= 8080
FUZZ_BUILD ?= build-fuzz
# Seconds per fuzz target: short in `make test`, longer with `make fuzz FUZZ_SECONDS=600`.
FUZZ_SECONDS ?= 60
CMAKE_COMMON := -G Ninja -DZJ_WERROR=ON

.PHONY: help deps configure build web demo test test-unit test-asan test-web test-browser test-fuzz fuzz format format-check bench clean

help:
	@echo "make demo   — install what is missing, build, start the platform with demo data on :$(PORT)"
	@echo "make test   — install what is missing, build, run every test"

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	cmake --build $(BUILD) -j$(JOBS)

web: deps
	cd web && npm run build --silent

demo: build web
	@mkdir -p $(DEMO_DIR)
	$(BUILD)/zhijian demo-init --db $(DEMO_DB) --password-file $(DEMO_DIR)/demo-accounts.json \
	  --registry-dir $(DEMO_DIR)/registry --id-key $(DEMO_DIR)/id-hash.key \
	  --samples-dir $(DEMO_DIR)/samples
	$(BUILD)/zhijian keys init --if-missing --dir $(DEMO_DIR)/keys --name localhost/zhijian-demo-log
	$(BUILD)/zhijian serve --db $(DEMO_DB) --id-key $(DEMO_DIR)/id-hash.key --static web/dist --port $(PORT) \
	  --log-key $(DEMO_DIR)/keys/log.key --public-url http://localhost:$(PORT) --quality-every 24

# Every test: formatting; unit, storage (SQLite and PostgreSQL), HTTP end-to-end and CLI tests
# under the release build and again under ASan+UBSan; the web UI's node unit tests and the browser
# tests in Chromium; then each
# parser of outside data fuzzed briefly (libFuzzer, from the seed corpora in fuzz/corpus).
test: format-check build web test-unit test-asan test-web test-browser test-fuzz
	@echo "make test: all suites passed"

test-unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) --timeout 300

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DZJ_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS) --timeout 300

# Node unit tests of the web UI's pure modules (web/test/: the verification page's checks).
test-web: deps
	cd web && npm test --silent

test-browser: build web
	ZJ_BIN=$(BUILD)/zhijian node --test --test-concurrency=1 tests/browser/

test-fuzz: deps
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

fuzz: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) $(CMAKE_COMMON) -DZJ_BUILD_FUZZ=ON \
	  -DZJ_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzz
	ZJ_FUZZ_BUILD=$(FUZZ_BUILD) bash fuzz/run.sh $(FUZZ_SECONDS)

FORMAT_FILES = $(shell git ls-files '*.h' '*.cc' '*.cpp')
format:
	clang-format -i $(FORMAT_FILES)

format-check: deps
	@clang-format --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"

# Release (-O3) build for benchmarks. Warnings are enforced by the CI build (RelWithDebInfo);
# GCC 12 reports false -Wrestrict/-Warray-bounds positives inside libstdc++ at -O3 (bug 105329).
bench: deps
	cmake -S . -B build-bench -G Ninja -DZJ_WERROR=OFF -DCMAKE_BUILD_TYPE=Release -DZJ_BUILD_BENCH=ON \
	  -DZJ_BUILD_TESTS=OFF >/dev/null
	cmake --build build-bench -j$(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-bench web/dist test-artifacts
