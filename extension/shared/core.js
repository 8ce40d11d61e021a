// The core (wasm) as every page and the service worker use it, started again after a trap.
//
// A trap (WebAssembly.RuntimeError: a panic, an out-of-bounds access; or the engine's stack
// running out inside the core) leaves a wasm instance unusable: its stack pointer and heap
// are wherever the trap left them, and every later call fails, even `version()`, until the
// page or worker is restarted. So no export is called directly: `CoreHost.core` has the same
// functions and classes as the wasm-bindgen glue, and a call that traps starts a fresh
// instance from the compiled module and is tried once more on it (the core's functions have
// no side effects outside their instance). Objects the core made (PopupList, Searcher) are
// made again from their constructor arguments the first time they are used after a restart
// (so they keep those arguments alive). Errors the core reports (plain `Error`s with its
// message) pass through untouched.
//
//   import { newGlue } from '../pkg/roleswitch-factory.js';
//   import { openCore } from '../shared/core.js';
//   const host = openCore(newGlue, api.runtime.getURL('pkg/roleswitch_bg.wasm'));
//   await host.ready;
//   host.core.version();

/** An error after which the instance cannot be trusted: a trap, or a stack overflow inside it. */
export function isTrap(err) {
  return err instanceof WebAssembly.RuntimeError || err instanceof RangeError || err?.name === 'InternalError';
}

const STATE = Symbol('core object');
const ADOPT = Symbol('adopt an object a static method made');
const hosts = new Map();

/** The one host per wasm URL in this page or worker (an options page has several modules). */
export function openCore(newGlue, url) {
  if (!hosts.has(url)) hosts.set(url, new CoreHost(newGlue, url));
  return hosts.get(url);
}

export class CoreHost {
  /**
   * `newGlue`: the export of pkg/roleswitch-factory.js (a fresh copy of the glue per call);
   * `source`: the URL of the .wasm file, its bytes, or a compiled WebAssembly.Module.
   */
  constructor(newGlue, source) {
    this.newGlue = newGlue;
    this.module = null;
    this.glue = null;
    /** The current instance's raw exports (memory included): for diagnostics and tests. */
    this.exports = null;
    /** Instances started after the first one (each after a trap). */
    this.restarts = 0;
    this.generation = 0;
    this.lastTrap = null;
    this.ready = compile(source).then((module) => {
      this.module = module;
      this.start();
    });
    this.core = this.wrapExports();
  }

  start() {
    const glue = this.newGlue();
    this.exports = glue.initSync({ module: this.module });
    this.glue = glue;
    this.generation += 1;
  }

  restart(err) {
    this.lastTrap = err;
    this.glue = null;
    this.restarts += 1;
    console.warn('Roleswitch: the core stopped on an internal error and was restarted:', err);
    this.start();
  }

  /** `run(glue)` on the current instance; after a trap, once more on a fresh one. */
  call(run) {
    if (!this.glue) {
      throw new Error(this.lastTrap
        ? `The Roleswitch core could not be started again after an internal error (${this.lastTrap.message}); reload the page.`
        : 'The Roleswitch core (wasm) is not loaded yet; wait for it before calling it.');
    }
    try {
      return run(this.glue);
    } catch (err) {
      if (!isTrap(err)) throw err;
      this.restart(err);
    }
    try {
      return run(this.glue);
    } catch (err) {
      if (!isTrap(err)) throw err;
      this.restart(err);
      throw new Error(`The Roleswitch core failed on this input (${err.message}) and was restarted; nothing was changed.`, { cause: err });
    }
  }

  /** `core`: each glue export, called through `call`. */
  wrapExports() {
    const sample = this.newGlue(); // not started: only its shape is read
    const core = {};
    for (const [name, value] of Object.entries(sample)) {
      if (name === 'initSync' || typeof value !== 'function') continue;
      core[name] = isClass(value) ? this.wrapClass(name, value) : (...args) => this.call((glue) => glue[name](...args));
    }
    return Object.freeze(core);
  }

  /** A class whose objects hold the glue's object of the current instance, made again after a restart. */
  wrapClass(name, shape) {
    const host = this;
    // The glue's object for this instance, made (again) from the constructor's arguments.
    const current = (self, glue) => {
      const state = self[STATE];
      if (state.freed) throw new Error(`This ${name} was freed.`);
      if (state.generation !== host.generation || !state.inner) {
        if (!state.args) {
          // Made by a static method (e.g. StoredList.read) and changed since: its state
          // went with the old instance. Its owner reads it again from storage.
          const err = new Error(`This ${name} was lost when the core restarted; read it again.`);
          err.coreRestarted = true;
          throw err;
        }
        state.inner = new glue[name](...state.args);
        state.generation = host.generation;
      }
      return state.inner;
    };
    // Arguments that are objects of a wrapped class go to the glue as the glue's objects.
    const unwrap = (glue, args) => args.map((a) => (a && typeof a === 'object' && a[STATE] ? a[STATE].current(glue) : a));
    const Wrapped = {
      [name]: class {
        constructor(...args) {
          this[STATE] = { args, inner: null, generation: 0, current: (glue) => current(this, glue) };
          if (args[0] !== ADOPT) host.call((glue) => current(this, glue));
        }

        free() {
          const state = this[STATE];
          if (state.inner && state.generation === host.generation) state.inner.free();
          Object.assign(state, { args: null, inner: null, freed: true });
        }
      },
    }[name];
    for (const method of Object.getOwnPropertyNames(shape.prototype)) {
      if (method === 'constructor' || method === 'free' || method.startsWith('__')) continue;
      const descriptor = Object.getOwnPropertyDescriptor(shape.prototype, method);
      if (descriptor.get) {
        Object.defineProperty(Wrapped.prototype, method, {
          get() {
            return host.call((glue) => current(this, glue)[method]);
          },
        });
        continue;
      }
      Wrapped.prototype[method] = function (...args) {
        return host.call((glue) => current(this, glue)[method](...unwrap(glue, args)));
      };
    }
    // Static methods (e.g. StoredList.read): an object they return belongs to this instance.
    for (const key of Object.getOwnPropertyNames(shape)) {
      if (['length', 'name', 'prototype'].includes(key) || typeof shape[key] !== 'function') continue;
      Wrapped[key] = (...args) => host.call((glue) => {
        const result = glue[name][key](...unwrap(glue, args));
        if (!(result instanceof glue[name])) return result;
        const adopted = new Wrapped(ADOPT);
        Object.assign(adopted[STATE], { args: null, inner: result, generation: host.generation });
        return adopted;
      });
    }
    return Wrapped;
  }
}

function isClass(fn) {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === 'string' || source instanceof URL) {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`The Roleswitch core (wasm) could not be loaded: ${response.status} ${response.statusText}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
  return WebAssembly.compile(source);
}
