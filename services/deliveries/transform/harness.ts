/**
 * JavaScript evaluated inside each fresh QuickJS context *before* the user's code, yielding
 * `[run, describe]`. The host then evaluates the user's code as a global script named
 * `transform.js` (so `function`, `var`, `let` and `const` forms of `transform` all persist in the
 * global scope; an eval would scope `let`/`const` to itself), and calls `run(inputJson)`, or
 * `describe(error)` if the script threw.
 *
 * The harness captures the intrinsics it needs before user code runs, so code that replaces
 * `JSON` or `eval` only spoils its own result, which the host validates anyway. Each answer is
 * one string the host reads without running user code: `c` (cancel), `o<json>` (output) or
 * `e<message>` (error).
 */
export const HARNESS_SOURCE = String.raw`(function () {
  'use strict';
  var indirectEval = eval;
  var parse = JSON.parse, stringify = JSON.stringify, isArray = Array.isArray, toText = String;
  var noop = function () {};
  globalThis.console = { log: noop, info: noop, warn: noop, error: noop, debug: noop, trace: noop };

  function frames(stack) {
    if (typeof stack !== 'string') return '';
    var lines = stack.split('\n').filter(function (l) { return l.indexOf('transform.js') !== -1; });
    return lines.slice(0, 5).join('\n');
  }
  function describe(e) {
    try {
      if (e !== null && typeof e === 'object') {
        var at = frames(e.stack);
        return toText(e.name) + ': ' + toText(e.message) + (at ? '\n' + at : '');
      }
      return 'transform threw ' + toText(e);
    } catch (_) {
      return 'transform threw a value that could not be described';
    }
  }

  function run(input) {
    try {
      var transform = indirectEval('typeof transform === "function" ? transform : undefined');
      if (transform === undefined) return 'ethe transformation must define function transform(webhook)';
      var result = transform(parse(input));
      if (result === null || result === undefined) return 'c';
      if (typeof result !== 'object' || isArray(result)) return 'etransform must return the webhook object, or null to cancel';
      if (typeof result.then === 'function') return 'etransform must be synchronous (it returned a Promise)';
      if (result.cancel === true) return 'c';
      return 'o' + stringify({ eventType: result.eventType, payload: result.payload, headers: result.headers, url: result.url });
    } catch (e) {
      return 'e' + describe(e);
    }
  }
  return [run, describe];
})()`;
