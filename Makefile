# refshim build: the preloaded shim, the analyzers, the tests, the demo.
# `make` builds everything into build/, `make check` runs every test,
# `make demo` shows the whole loop on the seed document's example.

CC      ?= cc
BUILD   ?= build
SAN     ?=
OPT     ?= -O2
CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g $(OPT) $(SAN) -Iinclude
LDFLAGS += $(SAN)

# pkg-config is asked when a recipe runs, not while the Makefile is read: `make demo` on a
# new machine reads this file before `deps` has installed the -dev packages. Recursive
# variables are expanded again at each use, so each answer is kept once it is asked.
SHIM_PKGS   = libunwind libdw
pkg_once    = $(or $($(1)_cache),$(eval $(1)_cache := $(shell pkg-config $(2)))$($(1)_cache))
SHIM_CFLAGS = $(call pkg_once,shim_cflags,--cflags $(SHIM_PKGS)) -fPIC \
              -fvisibility=hidden -ftls-model=initial-exec -flto
SHIM_LIBS   = $(call pkg_once,shim_libs,--libs $(SHIM_PKGS)) $(ZYDIS_LIBS) -liberty -ldl -pthread
# Zydis decodes the instructions an entry hook moves (shim/arch/x86_64). Debian 12 ships
# no pkg-config file for it, so its library is named here and need_zydis asks the compiler
# for its header. libZydis needs nothing but libc at run time (Zycore is headers only here).
ZYDIS_LIBS  = -lZydis
need_zydis  = @echo '\#include <Zydis/Decoder.h>' | $(CC) -E -x c - >/dev/null 2>&1 || { echo "refshim: missing Zydis (libzydis-dev; run make deps as root)" >&2; exit 1; }
# The analyzers look bare frames up in debug files and debuginfod (debug_symbols.c).
# libdw and libdebuginfod are opened only when a frame needs them: linked, libdebuginfod
# and the 28 libraries it brings (curl, TLS, Kerberos, LDAP) cost every run some 4 ms of
# start-up, libdw and its four 1.6 ms. Their headers are still needed.
AN_PKGS     = libdw libdebuginfod
AN_LIBS     = -liberty -ldl -pthread
CHECK_CFLAGS = $(call pkg_once,check_cflags,--cflags check)
CHECK_LIBS  = $(call pkg_once,check_libs,--libs check)
# A build without the -dev packages must stop with a word, not link a shim without them.
need_pkgs   = @pkg-config --exists $(1) || { echo "refshim: missing $(1) (run make deps as root)" >&2; exit 1; }

# The folders show the stages (see README, Layout): shim/{config,families,patch,record,log}
# and shim/arch/$(ARCH); analyzer/{read,model,report,tools}. Headers are included by their
# bare name, so every folder of a part is on its include path.
ARCH     ?= x86_64
SHIM_DIRS := shim $(filter-out shim/arch,$(patsubst %/,%,$(sort $(dir $(wildcard shim/*/*.[ch]))))) \
             shim/arch shim/arch/$(ARCH)
SHIM_C   := $(foreach d,$(SHIM_DIRS),$(wildcard $(d)/*.c))
SHIM_S   := $(wildcard shim/arch/$(ARCH)/*.S)
# include/: the instrumentation API and the log contract, shared by the shim and analyzers.
INC_H    := $(wildcard include/*.h)
SHIM_H   := $(foreach d,$(SHIM_DIRS),$(wildcard $(d)/*.h)) $(INC_H)
SHIM_INC := $(addprefix -I,$(SHIM_DIRS))
SHIM_OBJ := $(SHIM_C:%.c=$(BUILD)/%.o) $(SHIM_S:%.S=$(BUILD)/%.o)
# Parts of the shim that are plain logic with no process-wide state: unit tested.
SHIM_PURE := $(addprefix $(BUILD)/shim/,config/ranges.o config/config.o config/name_list.o \
             log/textbuf.o log/log_mapping.o report.o arch/$(ARCH)/relocate_$(ARCH).o \
             scan/scan_memory.o scan/guarded_copy.o record/dl_module.o record/unwind_modules.o \
             record/flights.o)
# Parts unit tested against test doubles of the symbolizer and log writer they call
# (test/unit/depot_doubles.c), so the real ones must stay out of the unit tests.
SHIM_DOUBLED := $(BUILD)/shim/record/depot.o

AN_DIRS    := $(patsubst %/,%,$(sort $(dir $(wildcard analyzer/*/*.[ch]))))
AN_H       := $(foreach d,$(AN_DIRS),$(wildcard $(d)/*.h)) $(INC_H)
AN_INC     := $(addprefix -I,$(AN_DIRS))
AN_LIB_C   := $(filter-out analyzer/tools/%,$(foreach d,$(AN_DIRS),$(wildcard $(d)/*.c)))
AN_LIB_OBJ := $(AN_LIB_C:%.c=$(BUILD)/%.o)
TOOLS      := $(BUILD)/refleaks $(BUILD)/refbalance

UNIT_C   := $(wildcard test/unit/*.c)
UNIT_OBJ := $(UNIT_C:%.c=$(BUILD)/%.o)

.PHONY: all check unit e2e demo deps clean check-asan bench fuzz-corpus fuzz install \
        uninstall deb
all: $(BUILD)/librefshim.so $(TOOLS)

$(BUILD)/shim/%.o: shim/%.c $(SHIM_H)
	$(call need_pkgs,$(SHIM_PKGS))
	$(need_zydis)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SHIM_INC) $(SHIM_CFLAGS) -c $< -o $@

$(BUILD)/shim/%.o: shim/%.S
	@mkdir -p $(@D)
	$(CC) $(SAN) -fPIC -c $< -o $@

$(BUILD)/librefshim.so: $(SHIM_OBJ)
	$(CC) -shared -flto -O2 -Wl,-soname,librefshim.so -Wl,-z,defs -Wl,-z,nodelete $(LDFLAGS) -o $@ $^ $(SHIM_LIBS)

$(BUILD)/analyzer/%.o: analyzer/%.c $(AN_H)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(AN_INC) -c $< -o $@

$(BUILD)/refleaks: $(BUILD)/analyzer/tools/refleaks_main.o $(AN_LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(AN_LIBS)

$(BUILD)/refbalance: $(BUILD)/analyzer/tools/refbalance_main.o $(AN_LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(AN_LIBS)

$(BUILD)/test/unit/%.o: test/unit/%.c $(SHIM_H) $(AN_H)
	@mkdir -p $(@D)
	$(call need_pkgs,check)
	$(CC) $(CFLAGS) $(AN_INC) $(SHIM_INC) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/unit_tests: $(UNIT_OBJ) $(AN_LIB_OBJ) $(SHIM_PURE) $(SHIM_DOUBLED)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(AN_LIBS) $(call pkg_once,shim_libs,--libs $(SHIM_PKGS)) \
	    $(ZYDIS_LIBS) -pthread

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

e2e: all
	BUILD=$(BUILD) test/e2e/run.sh

check: unit fuzz-corpus e2e

# Runs the log readers' fuzz target once over test/fuzz/corpus (libFuzzer, needs clang).
fuzz-corpus:
	BUILD=$(BUILD) test/fuzz/run.sh corpus

# A longer fuzzing run: make fuzz FUZZ_SECONDS=3600
FUZZ_SECONDS ?= 300
fuzz:
	BUILD=$(BUILD) test/fuzz/run.sh fuzz $(FUZZ_SECONDS)

# Analyzers and unit tests under AddressSanitizer and UndefinedBehaviorSanitizer;
# the e2e run then uses the sanitized analyzers (the shim itself is built with UBSan only,
# since ASan must be the first library loaded and would be preloaded after the program).
# The plain build too: the launcher's cases find the shim and refleaks where a user's
# `make` leaves them, next to scripts/.
check-asan: all
	$(MAKE) BUILD=build-asan OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" unit
	$(MAKE) BUILD=build-asan OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" $(TOOLS:$(BUILD)/%=build-asan/%)
	$(MAKE) BUILD=build-ubsan OPT=-O1 SAN="-fsanitize=undefined -fno-sanitize-recover=all" build-ubsan/librefshim.so
	ASAN_OPTIONS=detect_leaks=1 BUILD=build-asan SHIM=build-ubsan/librefshim.so test/e2e/run.sh

bench: all
	test/bench/run.sh

# deps, then a make of its own for the build: the build's pkg-config answers must come
# after the packages are installed.
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)

# Installs what the build and the tests need on Debian 12 (as root), only if missing.
DEB_PKGS = build-essential pkg-config libunwind-dev uthash-dev libxxhash-dev check libzydis-dev \
           libdw-dev libelf-dev libdebuginfod-dev debuginfod curl libglib2.0-dev libgstreamer1.0-dev gstreamer1.0-tools \
           gstreamer1.0-plugins-base gstreamer1.0-plugins-good clang libclang-rt-14-dev \
           libiberty-dev xvfb xauth python3-gi gir1.2-gtk-3.0 libgtk-3-dev \
           debhelper dpkg-dev fakeroot lintian time strace \
           libjansson-dev libxml2-dev libxslt1-dev libsqlite3-dev libedit-dev libncurses-dev \
           uuid-dev libssl-dev binutils bc chromium
deps:
	@scripts/install-deps.sh $(DEB_PKGS)

# Installs what `make` built (the tools, the shim: SHIM_LIB), the header, the manuals and
# a pkg-config file under PREFIX (DESTDIR for packaging). The shim goes to LIBDIR, a
# directory of the dynamic loader, so that `LD_PRELOAD=librefshim.so` finds it by its bare
# name: PREFIX/lib here (in /etc/ld.so.conf.d on Debian, so ldconfig must see it), the
# multiarch directory in the Debian package. Run `make` first: install builds nothing, so
# that it can run as root on a tree built by a user.
VERSION  = 0.1.0
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
SHIM_LIB ?= $(BUILD)/librefshim.so
LDCONFIG ?= ldconfig
INSTALLED_FILES = bin/refleaks bin/refbalance bin/refshim include/refshim.h \
                  share/man/man1/refleaks.1 share/man/man1/refbalance.1 \
                  share/man/man1/refshim.1 share/man/man7/refshim.7
install:
	@for f in $(TOOLS) $(SHIM_LIB); do \
	    [ -f $$f ] || { echo "make install: $$f is missing; run make first" >&2; exit 1; }; done
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig \
	        $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1 \
	        $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(TOOLS) scripts/refshim $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(SHIM_LIB) $(DESTDIR)$(LIBDIR)/librefshim.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    refshim.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/refshim.pc
	install -m 644 include/refshim.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 man/refleaks.1 man/refbalance.1 man/refshim.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/refshim.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	@# The shim's directory before 0.1.0: a shim left there would be found by nobody.
	@rm -f $(DESTDIR)$(PREFIX)/lib/refshim/librefshim.so
	@-rmdir $(DESTDIR)$(PREFIX)/lib/refshim 2>/dev/null || true
	@$(ldconfig_and_tell)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED_FILES)) \
	      $(DESTDIR)$(LIBDIR)/librefshim.so $(DESTDIR)$(LIBDIR)/pkgconfig/refshim.pc \
	      $(DESTDIR)$(PREFIX)/lib/refshim/librefshim.so
	@-rmdir $(DESTDIR)$(PREFIX)/lib/refshim 2>/dev/null || true
	@[ -n "$(DESTDIR)" ] || [ "$$(id -u)" != 0 ] || $(LDCONFIG)

# On this machine (no DESTDIR) as root: ldconfig, so that the loader's cache has the shim.
# Then, if the loader still cannot find it by name, say how to preload it.
define ldconfig_and_tell
if [ -z "$(DESTDIR)" ]; then \
    [ "$$(id -u)" != 0 ] || $(LDCONFIG); \
    $(LDCONFIG) -p 2>/dev/null | grep -q ' => $(LIBDIR)/librefshim.so$$' || \
    echo "make install: $(LIBDIR) is not in the dynamic loader's cache, so LD_PRELOAD=librefshim.so will not find the shim; run ldconfig as root (after adding $(LIBDIR) to /etc/ld.so.conf.d/ if need be), or preload $(LIBDIR)/librefshim.so" >&2; \
fi
endef

# The Debian package (debian/), built from a copy of the tree so that dpkg-buildpackage's
# clean leaves build/ alone: build/deb/refshim_VERSION_ARCH.deb, then lintian on it.
# Needs debhelper, dpkg-dev, fakeroot and lintian. Slow: not part of check.
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/refshim-$(VERSION)
	tar -c --exclude=./.git --exclude='./build*' . | tar -x -C $(BUILD)/deb/refshim-$(VERSION)
	cd $(BUILD)/deb/refshim-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian $(BUILD)/deb/refshim_$(VERSION)_*.changes

clean:
	rm -rf build build-asan build-ubsan
