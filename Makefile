# Tonari — the two commands a fresh Debian 12 machine needs:
#   make demo   install dependencies, build, run the demo (checks, a 5-node network, a file swarm, a chat)
#   make test   install dependencies, build (including fuzz targets), run every test via ctest
# Plus: make build, make bench, make fuzz-build, make asan, make clean, and
#   make test-stress [N=3]   the functional and interop tests N times beside a CPU load

JOBS ?= $(shell nproc)
BUILD := build/default
FUZZ_BUILD := build/fuzz
CTEST_ARGS ?=
N ?= 3

.PHONY: all deps build fuzz-build demo test test-stress bench asan clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake --preset default -DTONARI_FUZZ_BIN_DIR=$(CURDIR)/$(FUZZ_BUILD)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

fuzz-build: deps
	cmake --preset fuzz >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

demo: build
	$(BUILD)/src/app/tonari demo --data test/data
	scripts/demo-network --tonari $(BUILD)/src/app/tonari
	scripts/demo-swarm --tonari $(BUILD)/src/app/tonari
	scripts/demo-chat --tonari $(BUILD)/src/app/tonari

test: build fuzz-build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-stress: build
	scripts/test-stress --runs $(N)

bench: build
	scripts/run-bench

asan: deps
	cmake --preset asan
	cmake --build build/asan -j $(JOBS)
	cd build/asan && ctest --output-on-failure -j $(JOBS) -LE fuzz

clean:
	rm -rf build
