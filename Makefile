# beeldbel — see README.md. The two commands a person needs:
#   make run    install what is missing, build, start the whole system locally
#   make test   the same set-up, then every test; last line "N passed, N failed"
# Everything generated goes to build/ and dist/ (git-ignored).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

# B and DIST may be overridden (make B=build/mine DIST=build/mine/dist test)
# so that several builds can run side by side; downloaded sources and the
# built libraries are shared in build/ whatever B is.
B        ?= build
DIST     ?= dist
OUT      := $(B)/test-output
SRCROOT  := build/src
DEPS_W   := build/deps/wasm
DEPS_WS  := build/deps/wasm-simd128
DEPS_N   := build/deps/native

# ---- toolchain ---------------------------------------------------------------

EMCC_WANT := 3.1.6
# Every Emscripten call goes through our config (emsdk.cfg) and Debian's acorn.
# NODE_OPTIONS is scoped to Emscripten calls: configure's test programs run in
# node and need it too (see emsdk.cfg).
EMENV  := EM_CONFIG=$(CURDIR)/emsdk.cfg NODE_PATH=/usr/share/nodejs NODE_OPTIONS=--no-experimental-fetch
EMCC   := $(EMENV) emcc
NODE   := node
CLANG  := clang

# Debian packages the project needs. Commands that may come from elsewhere
# (node, npm) are checked as commands instead; see src/scripts/apt-deps.sh.
APT_PACKAGES := emscripten binaryen node-acorn janus janus-dev chromium \
  chromium-driver libmicrohttpd-dev libsqlite3-dev libpq-dev postgresql libcurl4-openssl-dev \
  dpkg-dev clang libclang-rt-14-dev nasm brotli gcc make iproute2 \
  fonts-dejavu-core zbar-tools openssl sqlite3 firefox-esr \
  libnss3-tools webkit2gtk-driver xvfb poppler-utils qpdf ffmpeg
APT_COMMANDS := node:nodejs npm:npm

# ---- sources -------------------------------------------------------------------

# Engine modules: plain C, no I/O, built natively and for WASM alike.
ENGINE_MODULES := core codec crypto signal media call doc rec
ENGINE_SRC  := $(foreach m,$(ENGINE_MODULES),$(wildcard src/$(m)/*.c))
BINDING_SRC := $(wildcard src/binding/*.c)
TEST_SRC    := $(wildcard tests/unit/*.c) $(wildcard tests/common/*.c)
ENGINE_HDR  := $(wildcard include/beeldbel/*.h) src/crypto/mbedtls_config.h
TOOL_BINS   := $(patsubst src/tools/%.c,$(B)/bin/%,$(wildcard src/tools/*.c))

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Werror
INC_N    := -Iinclude -I$(DEPS_N)/include
INC_W    := -Iinclude -I$(DEPS_W)/include
MBED_DEF := -DMBEDTLS_CONFIG_FILE='"mbedtls/beeldbel_config.h"'
LIBS_N   := $(DEPS_N)/lib/libvpx.a $(DEPS_N)/lib/libopus.a $(DEPS_N)/lib/libmbedcrypto.a $(DEPS_N)/lib/libcjson.a
LIBS_W   := $(DEPS_W)/lib/libvpx.a $(DEPS_W)/lib/libopus.a $(DEPS_W)/lib/libmbedcrypto.a $(DEPS_W)/lib/libcjson.a
LIBS_WS  := $(DEPS_WS)/lib/libvpx.a $(filter-out %/libvpx.a,$(LIBS_W))
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS_N := -std=gnu11 -g -O1 $(WARN) $(SAN) $(INC_N) $(MBED_DEF)
CFLAGS_B := -std=gnu11 -g -O2 $(WARN) $(INC_N) $(MBED_DEF)
# The programs we ship (build/bin): stack protector, checked libc calls,
# position independent, relocations read-only after start.
HARDEN   := -fstack-protector-strong -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fPIE -pie -Wl,-z,relro,-z,now
# Codecs need -O3 in WASM (-Oz halves their speed; DESIGN.md).
CFLAGS_W := -std=gnu11 -O3 $(WARN) $(INC_W) $(MBED_DEF)

ENGINE_MJS := $(B)/wasm/beeldbel-engine.mjs
EM_LINK := -O3 -sMODULARIZE=1 -sEXPORT_ES6=1 -sEXPORT_NAME=createBeeldbelEngine \
  -sENVIRONMENT=web,worker -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432 \
  -sFILESYSTEM=0 -sDYNAMIC_EXECUTION=0 -sTEXTDECODER=2 \
  -sEXPORTED_FUNCTIONS=_malloc,_free \
  -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8

.PHONY: all deps apt npm sources libs wasm native web test bench soak run clean distclean help check-root check-emcc
all: wasm native web

help:
	@echo "make run    - install what is missing, build, start beeldbel on localhost"
	@echo "make test   - the same, then run every test"
	@echo "make bench  - benchmarks (native and WASM in one run, with ratios)"
	@echo "make soak   - a recorded three-party call held for 60 minutes (BB_SOAK_MINUTES)"
	@echo "make deps | wasm | native | web | clean"

# ---- deps: Debian packages, Debian source packages, npm packages ---------------

deps: apt libs npm

apt:
	@sh src/scripts/apt-deps.sh "$(APT_PACKAGES)" "$(APT_COMMANDS)"

# A deb-src twin of the configured Debian source, written only if apt has no
# deb-src entry yet; then the source packages, unpacked and patched.
$(SRCROOT)/.fetched: src/scripts/deps.sh | apt
	@if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then \
	  [ "$$(id -u)" = 0 ] || { echo "make: root is needed to add a deb-src entry (root nodig)" >&2; exit 1; }; \
	  sh src/scripts/apt-deb-src.sh /etc/apt/sources.list.d/beeldbel-deb-src.sources; \
	  sh src/scripts/apt-get.sh update -q; \
	fi
	sh src/scripts/deps.sh fetch $(SRCROOT)
	touch $@

sources: $(SRCROOT)/.fetched

define build_lib # 1 lib, 2 target, 3 prefix, 4 extra prerequisites, 5 env
$(3)/.$(1): $(SRCROOT)/.fetched src/scripts/deps.sh $(4) | check-emcc
	@echo "  DEPS  $(1) ($(2))"
	$(5) sh src/scripts/deps.sh build $(1) $(2) $(SRCROOT) $(3) src/crypto
	touch $$@
endef
$(eval $(call build_lib,opus,wasm,$(DEPS_W),,$(EMENV)))
$(eval $(call build_lib,libvpx,wasm,$(DEPS_W),,$(EMENV)))
$(eval $(call build_lib,mbedtls,wasm,$(DEPS_W),src/crypto/mbedtls_config.h,$(EMENV)))
$(eval $(call build_lib,cjson,wasm,$(DEPS_W),,$(EMENV)))
# libvpx with WebAssembly SIMD kernels, for browsers that have it.
VPX_SIMD := $(wildcard src/codec/libvpx-simd128/*.patch $(addprefix src/codec/libvpx-simd128/files/,*/*/*.c */*/*/*.c */*/*/*.h))
$(eval $(call build_lib,libvpx,wasm-simd128,$(DEPS_WS),$(VPX_SIMD),$(EMENV)))
$(eval $(call build_lib,opus,native,$(DEPS_N),,))
$(eval $(call build_lib,libvpx,native,$(DEPS_N),,))
$(eval $(call build_lib,mbedtls,native,$(DEPS_N),src/crypto/mbedtls_config.h,))
$(eval $(call build_lib,cjson,native,$(DEPS_N),,))

# The two libvpx builds (and the two opus builds) would each use every core;
# chaining them keeps `make -j2` from running four compilers at once.
$(DEPS_N)/.libvpx: | $(DEPS_W)/.libvpx
$(DEPS_N)/.opus: | $(DEPS_W)/.opus
$(DEPS_W)/.libvpx: | $(DEPS_W)/.opus
$(DEPS_WS)/.libvpx: | $(DEPS_N)/.libvpx

# Rules depend on these stamps, never on the .a files themselves (a stamp is
# touched after its library, so a rule on the .a would always look stale).
STAMPS_W := $(foreach l,opus libvpx mbedtls cjson,$(DEPS_W)/.$(l))
STAMPS_N := $(foreach l,opus libvpx mbedtls cjson,$(DEPS_N)/.$(l))
libs: $(STAMPS_W) $(STAMPS_N)

npm: tests/node_modules/.installed web/node_modules/.installed
tests/node_modules/.installed: tests/package.json tests/package-lock.json | apt
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@
# The widget's NL Design System CSS (bundled into dist/beeldbel.js by web-dist.sh)
# and Mozilla's pdf.js (dist/engine/pdf*.min.mjs, loaded when a shared PDF is
# opened); pdf.js's optional canvas for Node is not needed in a browser.
web/node_modules/.installed: web/package.json web/package-lock.json | apt
	cd web && npm ci --omit=optional --no-audit --no-fund --loglevel=error
	touch $@

check-emcc: | apt
	@v=$$($(EMENV) emcc --version 2>/dev/null | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p') || true; \
	if [ "$$v" != "$(EMCC_WANT)" ]; then \
	  echo "make: emcc $(EMCC_WANT) (Debian 12) is required, found '$${v:-none}'." >&2; \
	  echo "make: emcc $(EMCC_WANT) (Debian 12) is vereist, gevonden: '$${v:-geen}'." >&2; exit 1; fi

# ---- native build (ASan + UBSan, for tests) and an optimised one for benchmarks ----

OBJ_N := $(patsubst %.c,$(B)/native/obj/%.o,$(ENGINE_SRC) $(TEST_SRC))
OBJ_B := $(patsubst %.c,$(B)/native-opt/obj/%.o,$(ENGINE_SRC))

$(B)/native/obj/%.o: %.c $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_N) -MMD -MP -c $< -o $@

$(B)/native-opt/obj/%.o: %.c $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_B) -MMD -MP -c $< -o $@

$(B)/native/unit_tests: $(OBJ_N) $(STAMPS_N)
	$(CLANG) $(SAN) -o $@ $(OBJ_N) $(LIBS_N) -lm

native: $(B)/native/unit_tests $(B)/native/libbb_loopback.so $(B)/native/libbb_udp_loss.so $(TOOL_BINS)

# Native command-line tools: src/tools/<name>.c -> $(B)/bin/<name>, linked
# with the optimised engine objects (e.g. the police CA tool).
$(B)/bin/%: src/tools/%.c $(OBJ_B) $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_B) $(HARDEN) -o $@ $< $(OBJ_B) $(LIBS_N) -lm

# LD_PRELOAD shim that lets Janus offer 127.0.0.1 as an ICE candidate
# (loopback-only machines and tests; see src/system/loopback_ifaddrs.c).
# Test-only: drops Janus's outgoing UDP while a file exists (loss tests).
$(B)/native/libbb_udp_loss.so: tests/system/udp_loss_shim.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl

$(B)/native/libbb_loopback.so: src/system/loopback_ifaddrs.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl

# ---- WASM build ------------------------------------------------------------------

OBJ_W := $(patsubst %.c,$(B)/wasm/obj/%.o,$(ENGINE_SRC) $(BINDING_SRC))
OBJ_WT := $(patsubst %.c,$(B)/wasm/obj/%.o,$(TEST_SRC))

$(B)/wasm/obj/%.o: %.c $(STAMPS_W) | check-emcc
	@mkdir -p $(@D)
	$(EMCC) $(CFLAGS_W) -MMD -MP -c $< -o $@

$(ENGINE_MJS): $(OBJ_W) $(STAMPS_W) Makefile
	$(EMCC) $(EM_LINK) -o $@ $(OBJ_W) $(LIBS_W)

# The same engine with libvpx's WebAssembly SIMD kernels, for browsers that
# have SIMD. Its glue must be the scalar module's byte for byte: the widget
# ships one glue for both.
ENGINE_SIMD := $(B)/wasm/simd128/beeldbel-engine.mjs
$(ENGINE_SIMD): $(ENGINE_MJS) $(OBJ_W) $(STAMPS_W) $(DEPS_WS)/.libvpx Makefile
	@mkdir -p $(@D)
	$(EMCC) $(EM_LINK) -o $@ $(OBJ_W) $(LIBS_WS)
	@cmp -s $@ $(ENGINE_MJS) || { echo "the SIMD engine's JS glue differs from the scalar one's" >&2; rm -f $@; exit 1; }

# The C unit tests as one node program: same sources, same digests expected.
$(B)/wasm/unit_tests.js: $(filter-out $(B)/wasm/obj/src/binding/%,$(OBJ_W)) $(OBJ_WT) $(STAMPS_W)
	$(EMCC) -O3 -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 \
	  -sINITIAL_MEMORY=67108864 -o $@ $(filter %.o,$^) $(LIBS_W)

# libvpx's WebAssembly SIMD kernels against the C versions they replace, and
# the C unit tests once more with them (the same digests expected).
VPX_SIMD_INC := -isystem $(SRCROOT)/libvpx-simd128 -isystem $(SRCROOT)/build-libvpx-wasm-simd128
$(B)/wasm/vpx_simd128.js: tests/wasm/vpx_simd128.c tests/common/bb_test.c tests/common/bb_test.h tests/common/synth.c $(DEPS_WS)/.libvpx $(STAMPS_W)
	$(EMCC) -std=gnu11 -O2 -msimd128 $(WARN) -Itests/common $(INC_W) $(VPX_SIMD_INC) $(MBED_DEF) \
	  -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 -o $@ \
	  tests/wasm/vpx_simd128.c tests/common/bb_test.c tests/common/synth.c $(DEPS_WS)/lib/libvpx.a $(DEPS_W)/lib/libmbedcrypto.a -lm
$(B)/wasm/unit_tests_simd128.js: $(filter-out $(B)/wasm/obj/src/binding/%,$(OBJ_W)) $(OBJ_WT) $(STAMPS_W) $(DEPS_WS)/.libvpx
	$(EMCC) -O3 -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 \
	  -sINITIAL_MEMORY=67108864 -o $@ $(filter %.o,$^) $(LIBS_WS)

wasm: $(ENGINE_MJS) $(ENGINE_SIMD) $(B)/wasm/unit_tests.js $(B)/wasm/unit_tests_simd128.js $(B)/wasm/vpx_simd128.js

# ---- web: the widget bundle in dist/ ------------------------------------------------

WEB_JS := $(wildcard web/widget/*.js web/widget/*.css web/widget/screens/*.js web/engine/*.js web/ui/*.js web/ui/*.css) src/scripts/bundle.mjs src/scripts/minify.mjs
WEB_DEMO := $(wildcard web/demo/*)

web: $(DIST)/.built
$(DIST)/.built: $(ENGINE_MJS) $(ENGINE_SIMD) $(WEB_JS) $(WEB_DEMO) src/scripts/web-dist.sh web/node_modules/.installed
	sh src/scripts/web-dist.sh $(B)/wasm $(DIST)
	touch $@

# ---- test ----------------------------------------------------------------------------

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 10
FUZZ_FLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $(INC_N) $(MBED_DEF)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(ENGINE_SRC) $(ENGINE_HDR) $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(ENGINE_SRC) $(LIBS_N) -lm

fuzz: $(FUZZ_TARGETS)

# The committed seeds that hold certificates and handshakes, made afresh
# after a change to either format (tests/fuzz/make_seeds.c).
$(B)/native-opt/make_seeds: tests/fuzz/make_seeds.c tests/common/police_ca.h $(OBJ_B) $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_B) -o $@ $< $(OBJ_B) $(LIBS_N) -lm
fuzz-seeds: $(B)/native-opt/make_seeds
	$< tests/fuzz/corpus
.PHONY: fuzz-seeds

test: deps native wasm web fuzz
	@mkdir -p $(OUT)
	BB_BUILD=$(B) BB_DIST=$(DIST) FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/run.sh

# A recorded three-party call held for an hour (make test holds it 3 minutes):
# memory, latency and frame rate per minute, and the recording verified.
soak: deps native wasm web contact
	@mkdir -p $(OUT)
	BB_BUILD=$(B) BB_DIST=$(DIST) BB_SOAK_MINUTES=$${BB_SOAK_MINUTES:-60} \
	  NODE_EXTRA_CA_CERTS=$$(BB_BUILD=$(B) node -e "import('./tests/browser/lib.mjs').then((m) => console.log(m.ensureTestCa() + '/ca.pem'))") \
	  node tests/browser/soak.test.mjs

# The README's browser support table from the last `make test`'s results.
.PHONY: browser-support
browser-support:
	BB_BUILD=$(B) node tests/browser/support-table.mjs --readme

# ---- bench ----------------------------------------------------------------------------

# Every tests/bench/*.c (plus the shared test media) makes one program; nodoc_stub.c
# is for run.sh's engine without documents.
BENCH_SRC := $(filter-out tests/bench/nodoc_stub.c,$(wildcard tests/bench/*.c)) $(wildcard tests/common/synth.c tests/common/netsim.c tests/common/rec_call.c)
$(B)/native-opt/bench: $(BENCH_SRC) $(wildcard tests/bench/*.h) $(OBJ_B) $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_B) -o $@ $(BENCH_SRC) $(OBJ_B) $(LIBS_N) -lm

$(B)/wasm/bench.js: $(BENCH_SRC) $(wildcard tests/bench/*.h) $(filter-out $(B)/wasm/obj/src/binding/%,$(OBJ_W)) $(STAMPS_W)
	$(EMCC) $(CFLAGS_W) -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 \
	  -sINITIAL_MEMORY=134217728 -o $@ $(BENCH_SRC) $(filter %.o,$^) $(LIBS_W) -lm

$(B)/wasm/bench-simd128.js: $(BENCH_SRC) $(wildcard tests/bench/*.h) $(filter-out $(B)/wasm/obj/src/binding/%,$(OBJ_W)) $(STAMPS_W) $(DEPS_WS)/.libvpx
	$(EMCC) $(CFLAGS_W) -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sEXIT_RUNTIME=1 \
	  -sINITIAL_MEMORY=134217728 -o $@ $(BENCH_SRC) $(filter %.o,$^) $(LIBS_WS) -lm

# Each SIMD kernel against the C function it replaces.
$(B)/wasm/bench-kernels.js: tests/bench/simd128/kernels.c tests/common/synth.c tests/common/synth.h $(DEPS_WS)/.libvpx
	$(EMCC) -std=gnu11 -O3 -msimd128 $(WARN) $(VPX_SIMD_INC) -Itests/common -sENVIRONMENT=node -sEXIT_RUNTIME=1 -o $@ \
	  tests/bench/simd128/kernels.c tests/common/synth.c $(DEPS_WS)/lib/libvpx.a -lm

bench: deps $(B)/native-opt/bench $(B)/wasm/bench.js $(B)/wasm/bench-simd128.js $(B)/wasm/bench-kernels.js
	BB_BUILD=$(B) BB_DIST=$(DIST) bash tests/bench/run.sh $(B)/native-opt/bench $(B)/wasm/bench.js $(B)/wasm/bench-simd128.js

# ---- run ------------------------------------------------------------------------------

run: deps native web
	BB_BUILD=$(B) BB_DIST=$(DIST) bash src/system/run.sh

clean:
	rm -rf $(B)/native $(B)/native-opt $(B)/wasm $(B)/fuzz $(OUT) $(DIST)

# Also removes downloaded sources and built libraries (a rebuild takes minutes).
distclean:
	rm -rf $(B) $(DIST) tests/node_modules

-include $(shell find $(B)/native $(B)/native-opt $(B)/wasm -name '*.d' 2>/dev/null)

# Contact service
# beeldbel-contact (libmicrohttpd + SQLite or PostgreSQL + cJSON + Mbed TLS), the officer
# account tool, their C unit tests, and an ASan+UBSan build of the service for
# the API tests. See src/contact/API.md.
CONTACT_PURE := src/contact/validate.c src/contact/phone.c src/contact/tokens.c src/contact/ratelimit.c src/contact/qr.c \
  src/contact/window.c \
  src/contact/http.c
# The police time-stamping service and the check of signed statements are
# the engine's own RFC 3161, CMS and PDF-signature code.
CONTACT_TSA  := src/doc/tsp.c src/doc/cms.c src/doc/signed_data.c src/doc/der.c src/doc/pdf_sig.c \
  src/crypto/identity.c src/crypto/entropy.c src/crypto/rng.c src/core/error.c
# The evidence store checks a recording's seal with the engine's verifier.
CONTACT_REC  := src/rec/verify.c src/rec/seal.c src/rec/webm.c src/core/utf8.c
CONTACT_STORE := src/contact/store.c src/contact/db.c src/contact/db_sqlite.c src/contact/db_pg.c
CONTACT_SVC  := $(CONTACT_PURE) $(CONTACT_STORE) src/contact/service.c src/contact/janus_admin.c src/contact/janus_pool.c src/contact/pilot.c \
  src/contact/hashpool.c src/contact/evidence.c $(CONTACT_TSA) $(CONTACT_REC)
CONTACT_HDR  := include/beeldbel/contact.h include/beeldbel/cms.h include/beeldbel/seal.h $(wildcard src/contact/*.h) $(wildcard src/doc/*.h) $(wildcard src/rec/*.h)
# Janus tokens need HMAC-SHA1, absent from the shared config: sha1.c is
# compiled here with src/contact/mbedtls_sha1_config.h (shared libs untouched).
CONTACT_SHA1 := $(SRCROOT)/mbedtls/library/sha1.c
CONTACT_SHA1_FLAGS := -I$(SRCROOT)/mbedtls/library -Isrc/contact -UMBEDTLS_CONFIG_FILE -DMBEDTLS_CONFIG_FILE='"mbedtls_sha1_config.h"'
# libpq's header lives in its own folder (libpq-dev); every contact build compiles and links in one step.
CONTACT_LIBS := -I/usr/include/postgresql $(DEPS_N)/lib/libmbedcrypto.a $(DEPS_N)/lib/libcjson.a -lmicrohttpd -lsqlite3 -lpq -lcurl -lpthread -lm
CONTACT_BINS := $(B)/bin/beeldbel-contact $(B)/bin/beeldbel-officer $(B)/contact/asan/beeldbel-contact \
  $(B)/contact/unit_tests

# The source appears when the Debian sources are unpacked.
$(CONTACT_SHA1): $(SRCROOT)/.fetched
	@test -f $@ || { echo "missing $@ / ontbreekt" >&2; exit 1; }

$(B)/contact/%/sha1.o: $(CONTACT_SHA1) src/contact/mbedtls_sha1_config.h $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(if $(filter asan,$*),$(CFLAGS_N),$(CFLAGS_B)) $(CONTACT_SHA1_FLAGS) -c $< -o $@

$(B)/bin/beeldbel-contact: $(CONTACT_SVC) src/contact/main.c $(CONTACT_HDR) $(B)/contact/opt/sha1.o $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_B) $(HARDEN) -o $@ $(CONTACT_SVC) src/contact/main.c $(B)/contact/opt/sha1.o $(CONTACT_LIBS)

$(B)/bin/beeldbel-officer: $(CONTACT_PURE) $(CONTACT_STORE) src/contact/officer_tool.c $(CONTACT_HDR) $(B)/contact/opt/sha1.o $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_B) $(HARDEN) -o $@ $(CONTACT_PURE) $(CONTACT_STORE) src/contact/officer_tool.c $(B)/contact/opt/sha1.o $(CONTACT_LIBS)

$(B)/contact/asan/beeldbel-contact: $(CONTACT_SVC) src/contact/main.c $(CONTACT_HDR) $(B)/contact/asan/sha1.o $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_N) -o $@ $(CONTACT_SVC) src/contact/main.c $(B)/contact/asan/sha1.o $(CONTACT_LIBS)

$(B)/contact/unit_tests: $(wildcard tests/contact/*.c) tests/common/bb_test.c $(CONTACT_PURE) $(CONTACT_STORE) src/contact/hashpool.c src/contact/pilot.c src/contact/janus_pool.c $(CONTACT_HDR) $(B)/contact/asan/sha1.o $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_N) -Isrc/contact -Itests/common -o $@ $(wildcard tests/contact/*.c) tests/common/bb_test.c \
	  $(CONTACT_PURE) $(CONTACT_STORE) src/contact/hashpool.c src/contact/pilot.c src/contact/janus_pool.c $(B)/contact/asan/sha1.o $(CONTACT_LIBS)

# libFuzzer targets for the service's parsers (more specific than fuzz_%).
$(B)/fuzz/fuzz_contact_%: tests/fuzz/fuzz_contact_%.c $(CONTACT_PURE) $(CONTACT_HDR) $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(CONTACT_PURE) $(CONTACT_SHA1) $(CONTACT_SHA1_FLAGS) $(LIBS_N) -lm

contact: $(CONTACT_BINS)
native: contact
test: contact
bench: $(B)/bin/beeldbel-contact
.PHONY: contact
# The console is copied into the bundle by web-dist.sh.
$(DIST)/.built: $(wildcard web/console/*)

# Media scenarios
# The simulated-network scenarios (tests/netsim/scenarios.c):
# 60 s of 640x360 video and audio each through tests/common/netsim.c. Built
# optimised WITHOUT sanitizers so all of them stay within ~2 minutes; the engine
# runs under ASan+UBSan in tests/unit/test_media*.c and the fuzz targets.
NETSIM_SRC := tests/netsim/scenarios.c tests/common/netsim.c tests/common/synth.c
$(B)/native-opt/netsim_scenarios: $(NETSIM_SRC) tests/common/netsim.h $(ENGINE_HDR) $(wildcard src/media/*.h) $(OBJ_B) $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_B) -o $@ $(NETSIM_SRC) $(OBJ_B) $(LIBS_N) -lm
native: $(B)/native-opt/netsim_scenarios

# The PDF writer checked with independent tools (poppler's pdfinfo and pdftotext, qpdf).
PDF_TOOLS_OBJ := $(filter-out $(B)/native/obj/tests/%,$(OBJ_N))
$(B)/native/pdf_tools: tests/doc/pdf_tools.c tests/common/bb_test.c tests/common/bb_test.h tests/common/capture.h include/beeldbel/pdf.h $(PDF_TOOLS_OBJ) $(STAMPS_N)
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_N) -o $@ tests/doc/pdf_tools.c tests/common/bb_test.c $(PDF_TOOLS_OBJ) $(LIBS_N) -lm
native: $(B)/native/pdf_tools

# A recording checked with independent tools (ffprobe, ffmpeg) and with beeldbel-verify.
$(B)/native/rec_tools: tests/rec/rec_tools.c tests/common/capture.h tests/common/rec_call.c tests/common/rec_call.h tests/common/rec_sample.c tests/common/rec_sample.h tests/common/rec_seal.h tests/common/police_ca.h tests/common/synth.c tests/common/bb_test.c tests/common/bb_test.h include/beeldbel/webm.h include/beeldbel/seal.h $(PDF_TOOLS_OBJ) $(STAMPS_N) | $(B)/bin/beeldbel-verify
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS_N) -o $@ tests/rec/rec_tools.c tests/common/rec_call.c tests/common/rec_sample.c tests/common/synth.c tests/common/bb_test.c $(PDF_TOOLS_OBJ) $(LIBS_N) -lm
native: $(B)/native/rec_tools
