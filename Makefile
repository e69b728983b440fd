# Lianxin: build, run and test. `make run` and `make test` are the whole set-up
# on a fresh Debian 12 machine; see README.md.

CC       ?= gcc
BUILD    ?= build
PKGS     := libzmq libprotobuf-c libuv libpq jansson libmicrohttpd libcrypto
# libqrencode: compiled against by common/checkin_svg.c, linked only into the
# programs that draw a QR code (LDLIBS_<service> below) and their tests
QR_PKG   := libqrencode
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ifeq ($(SAN),1)
BUILD    := build-san
EXTRA_CFLAGS += $(SAN_FLAGS)
EXTRA_LDFLAGS += $(SAN_FLAGS)
endif

CFLAGS   := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-format-zero-length \
            -Icommon -I$(BUILD)/gen $(EXTRA_CFLAGS) \
            $(shell pkg-config --cflags $(PKGS) $(QR_PKG) 2>/dev/null)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
LDFLAGS  := $(EXTRA_LDFLAGS)

PROTOS   := $(wildcard proto/*.proto)
GEN_C    := $(patsubst proto/%.proto,$(BUILD)/gen/%.pb-c.c,$(PROTOS))
GEN_H    := $(GEN_C:.c=.h)
GEN_O    := $(GEN_C:.c=.o)

COMMON_C := $(wildcard common/*.c)
COMMON_O := $(patsubst common/%.c,$(BUILD)/common/%.o,$(COMMON_C))
LIB      := $(BUILD)/liblianxin.a

SERVICES := $(notdir $(wildcard services/*))
BINS     := $(patsubst %,$(BUILD)/bin/lianxin-%,$(SERVICES))

UNIT_C   := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_C))
UNIT_SUP := $(filter-out $(UNIT_C),$(wildcard tests/unit/*.c))
INTEG_C  := $(wildcard tests/integration/test_*.c)
INTEG_BIN:= $(patsubst tests/integration/%.c,$(BUILD)/tests/integration/%,$(INTEG_C))
INTEG_SUP:= $(filter-out $(INTEG_C),$(wildcard tests/integration/*.c))
BENCH_C  := $(wildcard tests/bench/*.c)
BENCH_BIN:= $(patsubst tests/bench/%.c,$(BUILD)/tests/bench/%,$(BENCH_C))

.PHONY: all deps run test test-san test-unit bench bench-compare clean valgrind stop fuzz screenshots browser-test
.SECONDARY:

all: $(BINS) $(UNIT_BIN) $(INTEG_BIN) $(BENCH_BIN)

deps:
	@deploy/deps.sh

# ---- generated protobuf-c code ------------------------------------------
$(BUILD)/gen/%.pb-c.c $(BUILD)/gen/%.pb-c.h: proto/%.proto
	@mkdir -p $(BUILD)/gen
	protoc-c --proto_path=proto --c_out=$(BUILD)/gen $<

$(BUILD)/gen/%.pb-c.o: $(BUILD)/gen/%.pb-c.c $(GEN_H)
	$(CC) $(CFLAGS) -c -o $@ $<

# ---- the common library ---------------------------------------------------
$(BUILD)/common/%.o: common/%.c $(wildcard common/*.h) $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIB): $(COMMON_O) $(GEN_O)
	@rm -f $@
	ar rcs $@ $^

# ---- programs: services/<name>/*.c -> build/bin/lianxin-<name> ------------
# A service's sources are its folder's *.c and those of its sub-folders, one
# level down (services/gateway/http/*.c); headers in a sub-folder are included
# by their path from the service's folder ("http/router.h").
svc_files = $(wildcard services/$(1)/*.$(2) services/$(1)/*/*.$(2))

define service_rule
$(BUILD)/bin/lianxin-$(1): $(call svc_files,$(1),c) $(call svc_files,$(1),h) $(LIB)
	@mkdir -p $(BUILD)/bin
	$(CC) $(CFLAGS) -Iservices/$(1) $(LDFLAGS) -o $$@ $(call svc_files,$(1),c) $(LIB) $(LDLIBS) $(LDLIBS_$(1))
endef
# a service's own libraries beyond PKGS (lianxin-notify sends with libcurl;
# assess, consult and supervise draw check-in QR codes: common/checkin_svg.c)
LDLIBS_notify := -lcurl
LDLIBS_QR     := $(shell pkg-config --libs $(QR_PKG) 2>/dev/null)
LDLIBS_assess := $(LDLIBS_QR)
LDLIBS_consult := $(LDLIBS_QR)
LDLIBS_supervise := $(LDLIBS_QR)
$(foreach s,$(SERVICES),$(eval $(call service_rule,$(s))))

# A unit test named test_<service>_<what>.c also links that service's logic:
# every .c of services/<service>/ and its sub-folders but main.c (which is
# wiring only).
svc_of    = $(word 2,$(subst _, ,$(notdir $(1))))
svc_logic = $(filter-out services/$(call svc_of,$(1))/main.c,$(call svc_files,$(call svc_of,$(1)),c))
svc_inc   = $(if $(wildcard services/$(call svc_of,$(1))),-Iservices/$(call svc_of,$(1)))
.SECONDEXPANSION:

# ---- tests ------------------------------------------------------------------
$(BUILD)/tests/unit/%: tests/unit/%.c $(UNIT_SUP) $(LIB) $$(call svc_logic,$$@)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call svc_inc,$@) -Itests/unit $(LDFLAGS) -o $@ $< $(UNIT_SUP) \
	    $(call svc_logic,$@) $(LIB) $(LDLIBS) $(LDLIBS_$(call svc_of,$@)) -lcmocka

# An integration test named test_<service>_<what>.c links that service's
# logic too, as a unit test does (test_gateway_routes walks the route table).
$(BUILD)/tests/integration/%: tests/integration/%.c $(INTEG_SUP) $(wildcard tests/integration/*.h) $(LIB) $$(call svc_logic,$$@)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call svc_inc,$@) -Itests/integration $(LDFLAGS) -o $@ $< $(INTEG_SUP) \
	    $(call svc_logic,$@) $(LIB) $(LDLIBS) $(LDLIBS_$(call svc_of,$@)) -lcurl -lcmocka

# test_sm4 is test_keys with crypto.suite = sm4: it includes test_keys.c.
$(BUILD)/tests/integration/test_sm4: tests/integration/test_keys.c

$(BUILD)/tests/bench/%: tests/bench/%.c $(INTEG_SUP) $(wildcard tests/integration/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/integration $(LDFLAGS) -o $@ $< $(INTEG_SUP) $(LIB) $(LDLIBS) -lcurl

# ---- fuzzing (clang's libFuzzer; not part of `all` or `test`) -----------------
# `make fuzz` builds $(BUILD)/fuzz/fuzz_jsonpb; run it on a corpus directory:
#   mkdir -p build/fuzz/corpus && build/fuzz/fuzz_jsonpb -max_total_time=60 build/fuzz/corpus
FUZZ_CC    ?= clang
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_PROTO := testing intake common
FUZZ_SRC   := tests/fuzz/fuzz_jsonpb.c common/jsonpb.c \
              $(patsubst %,$(BUILD)/gen/%.pb-c.c,$(FUZZ_PROTO))

fuzz: $(BUILD)/fuzz/fuzz_jsonpb

$(BUILD)/fuzz/fuzz_jsonpb: $(FUZZ_SRC) common/jsonpb.h $(GEN_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Icommon -I$(BUILD)/gen -o $@ $(FUZZ_SRC) \
	    $(shell pkg-config --cflags --libs jansson libprotobuf-c 2>/dev/null)

# ---- running ------------------------------------------------------------------
run: deps
	@$(MAKE) --no-print-directory all
	@deploy/local.sh run

test: deps
	@$(MAKE) --no-print-directory all
	@deploy/local.sh test $(BUILD)

test-san: deps
	@$(MAKE) --no-print-directory SAN=1 all
	@deploy/local.sh test build-san

# the browser tests alone (tests/browser), against a stack of their own
browser-test: deps
	@$(MAKE) --no-print-directory all
	@deploy/local.sh test $(BUILD) browser/test_console

# the README's two screenshots (docs/img/), taken by the browser test
screenshots: deps
	@$(MAKE) --no-print-directory all
	@LIANXIN_SCREENSHOTS=$(CURDIR)/docs/img deploy/local.sh test $(BUILD) browser/test_console

valgrind: deps
	@$(MAKE) --no-print-directory all
	@deploy/local.sh valgrind $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory all
	@deploy/local.sh bench $(BUILD)

# bench_visits of revision BASE and of this tree, alternating, in one run
bench-compare: deps
	@test -n "$(BASE)" || { echo "make bench-compare BASE=<revision> [ROUNDS=2]" >&2; exit 2; }
	@tests/bench/compare_visits.sh $(BASE) $(or $(ROUNDS),2)

stop:
	@deploy/local.sh stop

clean:
	rm -rf build build-san
