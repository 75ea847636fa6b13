# sipwatch - one non-recursive Makefile.  Objects under $(BUILD)/.
#   make            build $(BUILD)/sipwatch
#   make test       build and run every test suite
#   make SANITIZE=1 test   the same with ASan + UBSan (objects in build/san)
#   make bench      benchmarks (see README)
#   make profile    instructions by part of the program (callgrind)

CC      ?= cc
PKGS    := libpcap libpcre2-8
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wformat=2 -Wwrite-strings -Wundef
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -MMD -MP -I. -Iparsers
# The dashboard (ui/): wide ncurses when there is one, else plain ncurses
# (ASCII drawing only).
CURSES_W := $(shell pkg-config --exists ncursesw 2>/dev/null && echo y)
ifeq ($(CURSES_W),y)
CURSES_LIBS := $(shell pkg-config --libs ncursesw)
CFLAGS  += -DUI_WIDE=1 $(shell pkg-config --cflags ncursesw)
else
CURSES_LIBS := $(shell pkg-config --libs ncurses 2>/dev/null || echo -lncurses)
endif
LDLIBS  := -lnids -lpcap -lpcre2-8 -lyaml $(CURSES_LIBS) -lm -lpthread
ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif

BUILD   ?= build
ifeq ($(SANITIZE),1)
BUILD   := build/san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp,print_suppressions=0
export UBSAN_OPTIONS = print_stacktrace=1,halt_on_error=1
endif
# FUZZER=1: clang with libFuzzer coverage, ASan and UBSan (make fuzz).
ifeq ($(FUZZER),1)
BUILD   := build/fuzzer
CC      := clang
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=fuzzer,address,undefined
endif

# Profile-guided optimisation of the release build (README, Quick start):
# the program is built once instrumented ($(BUILD)/pgo-gen), run over a
# training workload (scripts/pgo-train.sh: generated traffic with its own
# seed, and the fixtures under pcaps/), and built again with the profile,
# which tells gcc which paths are hot (code layout, inlining, branches).
# Same sources, same behaviour; about 9% less CPU on the benchmark mix.
# PGO=0 builds without it (quicker to rebuild while developing); it is
# off for SANITIZE, FUZZER and compilers other than gcc.
PGO ?= 1
ifneq ($(PGO),1)
PGO_ON :=
else ifneq ($(filter 1,$(SANITIZE) $(FUZZER)),)
PGO_ON :=
else
PGO_ON := $(shell LC_ALL=C $(CC) -v 2>&1 | grep -q '^gcc version' && echo y)
endif
PGO_GEN   := $(BUILD)/pgo-gen
PGO_STAMP := $(BUILD)/pgo-trained
PGO_MODE  := $(BUILD)/pgo-mode
$(shell mkdir -p $(BUILD) && echo 'pgo=$(PGO_ON)' | cmp -s - $(PGO_MODE) || \
    echo 'pgo=$(PGO_ON)' >$(PGO_MODE))
ifeq ($(PGO_ON),y)
# The instrumented $(PGO_GEN)/X.o is compiled as if it were $(BUILD)/X.o
# (-dumpdir, -dumpbase): gcc names a profile, and the functions in it,
# after the object, so the training run writes $(BUILD)/X.gcda and the
# build of $(BUILD)/X.o finds its own.
PGO_USE := -fprofile-use -fprofile-partial-training -Wno-missing-profile
PGO_DEP := $(PGO_STAMP)
endif

PREFIX  ?= /usr/local

TEST_SRC    := $(wildcard parsers/*_test.c monitor/*_test.c rules/*_test.c ui/*_test.c)
FUZZ_SRC    := $(wildcard tests/fuzz/*.c)
PARSER_SRC  := $(filter-out %_test.c,$(wildcard parsers/*.c))
MONITOR_SRC := $(filter-out %_test.c monitor/main.c,$(wildcard monitor/*.c))
RULES_SRC   := $(filter-out %_test.c,$(wildcard rules/*.c))
UI_SRC      := $(filter-out %_test.c,$(wildcard ui/*.c))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

PARSER_OBJ  := $(call obj,$(PARSER_SRC))
LIB_OBJ     := $(PARSER_OBJ) $(call obj,$(RULES_SRC) $(MONITOR_SRC) $(UI_SRC))
MAIN_OBJ    := $(call obj,monitor/main.c)

.PHONY: all test unit golden cli difftest syslog uitest live bench profile clean install deps demo
all: $(BUILD)/sipwatch

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PGO_FLAGS) -c -o $@ $<

# The profile is for the program's own objects; tests, fuzz drivers and
# helpers build as without PGO.  $(PGO_MODE) changes when PGO is turned
# on or off, so that the objects are rebuilt the other way.
$(MAIN_OBJ) $(LIB_OBJ): PGO_FLAGS := $(PGO_USE)
$(MAIN_OBJ) $(LIB_OBJ): $(PGO_DEP) $(PGO_MODE)

# The instrumented build and its training run (PGO above).
$(PGO_GEN)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fprofile-generate -fprofile-update=single \
	    -dumpdir $(BUILD)/$(dir $*) -dumpbase $(notdir $<) -dumpbase-ext .c -c -o $@ $<

$(PGO_GEN)/sipwatch: $(patsubst $(BUILD)/%,$(PGO_GEN)/%,$(MAIN_OBJ) $(LIB_OBJ))
	$(CC) $(LDFLAGS) -fprofile-generate -o $@ $^ $(LDLIBS)

$(PGO_STAMP): $(PGO_GEN)/sipwatch $(BUILD)/bench/gen_bench scripts/pgo-train.sh \
    $(wildcard pcaps/*.pcap)
	scripts/pgo-train.sh $(PGO_GEN)/sipwatch $(BUILD)/bench/gen_bench $(PGO_GEN)/train $(BUILD)
	touch $@

$(BUILD)/libsipwatch.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sipwatch: $(MAIN_OBJ) $(BUILD)/libsipwatch.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Criterion unit tests: one binary for the parsers (libc only), one for the rest.
PARSER_TESTS := $(call obj,$(filter parsers/%,$(TEST_SRC)))
OTHER_TESTS  := $(call obj,$(filter-out parsers/%,$(TEST_SRC)))

$(BUILD)/test_parsers: $(PARSER_TESTS) $(call obj,tests/guard.c) $(PARSER_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion

$(BUILD)/test_monitor: $(OTHER_TESTS) $(call obj,tests/guard.c tests/pktbuild.c) $(BUILD)/libsipwatch.a
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion $(LDLIBS)

unit: $(BUILD)/test_parsers $(if $(OTHER_TESTS),$(BUILD)/test_monitor)
	$(BUILD)/test_parsers --jobs 2
	$(if $(OTHER_TESTS),$(BUILD)/test_monitor --jobs 2)

golden: $(BUILD)/sipwatch
	tests/golden.sh $(BUILD)/sipwatch

cli: $(BUILD)/sipwatch
	tests/cli.sh $(BUILD)/sipwatch

difftest: $(BUILD)/sipwatch
	tests/diff_tshark.sh $(BUILD)/sipwatch

# Alert export against a real rsyslogd (skipped when it is not installed).
syslog: $(BUILD)/sipwatch
	tests/syslog.sh $(BUILD)/sipwatch

# Fuzz targets (tests/fuzz/README.md).  Linked with replay.c, each runs
# its committed corpus once (fuzz-replay, part of make test); make fuzz
# builds them with libFuzzer and runs each for FUZZ_SECONDS, new inputs
# going to build/fuzz-corpus/ (not committed automatically).
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(filter tests/fuzz/fuzz_%.c,$(FUZZ_SRC)))
FUZZ_SECONDS ?= 60
FUZZ_REPLAY  := $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))

$(FUZZ_REPLAY): $(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(call obj,tests/fuzz/replay.c tests/guard.c tests/pktbuild.c) $(BUILD)/libsipwatch.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libfuzzer/%: $(BUILD)/tests/fuzz/%.o $(call obj,tests/pktbuild.c) $(BUILD)/libsipwatch.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: fuzz-replay fuzz hostile valgrind
fuzz-replay: $(FUZZ_REPLAY)
	@for t in $(FUZZ_TARGETS); do $(BUILD)/fuzz/$$t tests/fuzz/corpus/$$t || exit 1; done

fuzz:
	$(MAKE) FUZZER=1 $(addprefix build/fuzzer/libfuzzer/,$(FUZZ_TARGETS))
	tests/fuzz/run.sh build/fuzzer/libfuzzer $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Hostile captures (tests/hostile.sh): damage, floods, limits, memory bounds.
hostile: $(BUILD)/sipwatch
	tests/hostile.sh $(BUILD)/sipwatch

# The golden captures under valgrind: no invalid access, no leak.
valgrind: $(BUILD)/sipwatch
	tests/valgrind.sh $(BUILD)/sipwatch

# Live capture on a veth pair in a private network namespace, signals,
# reload, privilege drop (skipped unless root with ip netns).
live: $(BUILD)/sipwatch
	tests/live.sh $(BUILD)/sipwatch

# The dashboard in tmux (skipped when tmux is not installed).
uitest: $(BUILD)/sipwatch
	tests/ui.sh $(BUILD)/sipwatch

# Installs the Debian packages (a no-op when they are present).
deps:
	./scripts/install-deps.sh

test: deps
	$(MAKE) unit golden cli difftest syslog fuzz-replay hostile live uitest $(if $(filter 1,$(SANITIZE)),,valgrind)

demo: deps
	$(MAKE) $(BUILD)/sipwatch
	$(BUILD)/sipwatch -r pcaps/demo.pcap -o text --dump=$(BUILD)/demo-messages.jsonl \
	    --stats=$(BUILD)/demo-stats.json
	@echo "alerts above; every SIP message as JSON: $(BUILD)/demo-messages.jsonl;" \
	    "counters: $(BUILD)/demo-stats.json"

# Benchmark helpers (tests/bench/README.md), one .c each.
BENCH_PROGS := $(addprefix $(BUILD)/bench/,gen_bench pcap_floor nids_floor runstat)

$(BENCH_PROGS): $(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lnids -lpcap

# The optional packages (sngrep, tcpreplay) are installed when possible;
# without them their rows are skipped.
# With PGO, the same sources built without it are measured beside it.
bench: $(BUILD)/sipwatch $(BENCH_PROGS)
	./scripts/install-deps.sh --bench || \
	    echo "bench: optional benchmark packages not installed; their rows are skipped"
	$(if $(PGO_ON),$(MAKE) PGO=0 BUILD=$(BUILD)/nopgo $(BUILD)/nopgo/sipwatch)
	$(if $(PGO_ON),BENCH_NOPGO=$(BUILD)/nopgo/sipwatch) tests/bench/bench.sh $(BUILD)/sipwatch

# Instructions by part of the program, counted by callgrind on a 50k mix
# (tests/bench/PROFILE.md): what to look at before optimising.
profile: deps
	$(MAKE) $(BUILD)/sipwatch $(BENCH_PROGS)
	tests/bench/profile.sh $(BUILD)/sipwatch

SYSCONFDIR  ?= /etc
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system

# The unit's paths follow PREFIX and SYSCONFDIR; the example configuration
# becomes $(SYSCONFDIR)/sipwatch/sipwatch.yaml only when there is none.
install: $(BUILD)/sipwatch
	install -D -m 0755 $(BUILD)/sipwatch $(DESTDIR)$(PREFIX)/bin/sipwatch
	install -D -m 0644 dist/sipwatch.8 $(DESTDIR)$(MANDIR)/man8/sipwatch.8
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/sipwatch|$(PREFIX)/bin/sipwatch|; s|/etc/sipwatch/|$(SYSCONFDIR)/sipwatch/|g' \
	    dist/sipwatch.service >$(DESTDIR)$(UNITDIR)/sipwatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/sipwatch.service
	install -D -m 0644 sipwatch.example.yaml $(DESTDIR)$(SYSCONFDIR)/sipwatch/sipwatch.example.yaml
	test -e $(DESTDIR)$(SYSCONFDIR)/sipwatch/sipwatch.yaml || \
	    install -m 0644 sipwatch.example.yaml $(DESTDIR)$(SYSCONFDIR)/sipwatch/sipwatch.yaml

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
