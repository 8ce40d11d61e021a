# `make` builds the extension; `make test` runs every test tier; `make lint`
# checks formatting, lints and types; `make bench` prints the benchmark figures.
# Each installs what it needs, once.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := all

WASM := $(or $(CARGO_TARGET_DIR),target)/wasm32-unknown-unknown/release/roleswitch.wasm
PKG := build/pkg
WASM_OPT := node_modules/.bin/wasm-opt
RUST_SOURCES := $(shell find src -name '*.rs') Cargo.toml Cargo.lock
EXT_SOURCES := $(shell find extension -type f) manifest.json tools/build.mjs

# README pictures (docs/*.png) from the built extension over the fixture pages.
screenshots: deps-test all
	node tools/screenshots.mjs

.PHONY: screenshots all deps deps-test wasm lint demo test test-native test-wasm test-js test-e2e test-firefox bench clean

all: dist/.stamp

deps:
	@tools/deps.sh build

deps-test:
	@tools/deps.sh test

$(PKG)/roleswitch_bg.wasm: $(RUST_SOURCES) | deps
	cargo build --release --target wasm32-unknown-unknown --lib
	wasm-bindgen --target web --remove-name-section --out-dir $(PKG) $(WASM)
	$(WASM_OPT) -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	  --enable-reference-types --enable-multivalue --enable-mutable-globals \
	  $(PKG)/roleswitch_bg.wasm -o $(PKG)/roleswitch_bg.wasm

# The popup's own wasm: the same crate with only its search facade (src/wasm_popup.rs),
# in a target directory of its own so that the two builds do not undo each other. Its glue
# is a classic script (`wasm_bindgen`), which the build joins into the popup's bundle: a
# module imported after the first paint cost the popup's thread several ms as a key came in.
POPUP_TARGET := $(or $(CARGO_TARGET_DIR),target)/popup-wasm
$(PKG)/popup_search_bg.wasm: $(RUST_SOURCES) | deps
	cargo build --profile popup-wasm --target wasm32-unknown-unknown --lib --features popup-wasm --target-dir $(POPUP_TARGET)
	wasm-bindgen --target no-modules --no-typescript --remove-name-section --out-dir $(PKG) --out-name popup_search \
	  $(POPUP_TARGET)/wasm32-unknown-unknown/popup-wasm/roleswitch.wasm
	$(WASM_OPT) -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	  --enable-reference-types --enable-multivalue --enable-mutable-globals \
	  $(PKG)/popup_search_bg.wasm -o $(PKG)/popup_search_bg.wasm

# wasm-bindgen's glue as a factory, so that the extension can start a fresh instance after a trap.
$(PKG)/roleswitch-factory.js: $(PKG)/roleswitch_bg.wasm tools/glue-factory.mjs
	node tools/glue-factory.mjs $(PKG)

wasm: $(PKG)/roleswitch_bg.wasm $(PKG)/popup_search_bg.wasm

dist/.stamp: $(PKG)/roleswitch_bg.wasm $(PKG)/roleswitch-factory.js $(PKG)/popup_search_bg.wasm $(EXT_SOURCES) | deps
	node tools/build.mjs
	@touch $@

# Formatting, Rust lints (native and the wasm facade), docs, JS lint and types.
lint: deps $(PKG)/roleswitch_bg.wasm $(PKG)/roleswitch-factory.js
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib --test wasm_facade -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
	node_modules/.bin/eslint .
	node_modules/.bin/tsc -p tsconfig.json

test: deps-test all test-native test-wasm test-js test-e2e test-firefox

test-native:
	cargo test

test-wasm:
	CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_facade

test-js:
	node --test tests/js/

# A test file that hangs fails after 5 minutes (the longest takes about 1) instead of holding CI.
test-e2e:
	node --test --test-concurrency=1 --test-timeout=300000 tests/e2e/

# dist/firefox in headless Firefox ESR over WebDriver BiDi (tests/e2e-firefox/harness.mjs).
test-firefox:
	node --test --test-concurrency=1 --test-timeout=300000 tests/e2e-firefox/

bench: deps-test all
	node tools/bench.mjs

# The extension at work on the fixture AWS pages, no AWS account needed.
demo: deps-test all
	node tools/demo.mjs

clean:
	rm -rf build dist target
