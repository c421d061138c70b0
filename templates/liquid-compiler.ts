/**
 * Compiles a template's Liquid, parsed by liquidjs, into plain JavaScript closures: static chunks
 * are strings, each `{{ }}` a precompiled accessor and filter chain, each tag a small function.
 * Per recipient only these closures run (no promise or generator per tag, no AST walk), which is
 * what makes a personalised e-mail cost microseconds instead of the interpreter's milliseconds.
 *
 * liquidjs stays the parser: syntax, line numbers and parse errors are its own. The compiled code
 * mirrors liquidjs's render semantics for our configuration (strictVariables off, ownPropertyOnly
 * on, jsTruthy off, the default operators): Liquid truthiness (only false, nil and undefined are
 * falsy), nil renders as '', property lookup (`size`, `first`, `last`, negative indexes, own
 * properties only), the for loop's collection rules and `forloop` object, and output escaping.
 * Filters are not re-implemented: the compiled code calls liquidjs's own filter functions, and
 * comparisons other than between two plain values call liquidjs's own operators. The data is what
 * the send path and the preview API hand over: JSON values. (Drops and `toLiquid` objects are read
 * as liquidjs reads them, but a Drop's `liquidMethodMissing` gets a context without the template's
 * variables.)
 *
 * One engine renders e-mails: a template using a construct outside the supported subset is refused
 * when it is validated or compiled (with its line), never handed to a second renderer. The subset is
 * {@link SUPPORTED_TAGS} and {@link SUPPORTED_FILTERS}; left out are tags that reach outside the
 * template (include, render, layout, block), that keep state across renders (cycle, increment,
 * decrement), tablerow, break/continue, and filters that evaluate Liquid expressions given as
 * strings (where_exp and friends) or are random (sample).
 */
import {
  AssignTag,
  CaptureTag,
  CaseTag,
  CommentTag,
  Context,
  Drop,
  EchoTag,
  ForTag,
  IfTag,
  InlineCommentTag,
  LiquidTag,
  Output,
  RawTag,
  TypeGuards,
  UnlessTag,
  defaultOperators,
  isFalsy,
  toValue,
  toValueSync,
  type FilteredValueToken,
  type Liquid,
  type PropertyAccessToken,
  type Template,
  type Token,
  type Value,
} from 'liquidjs';

/** Renders one part of an e-mail (subject, HTML or text) for one recipient. */
export type CompiledLiquid = (data: Record<string, unknown>) => string;

export interface UnsupportedConstruct {
  /** 1-based line in the text that was parsed. */
  line: number;
  reason: string;
}

export type LiquidCompilation = { ok: true; render: CompiledLiquid } | { ok: false; problems: UnsupportedConstruct[] };

export const SUPPORTED_TAGS = ['if', 'elsif', 'else', 'unless', 'case', 'when', 'for', 'assign', 'capture', 'comment', 'raw', 'echo', 'liquid', '#'] as const;

/**
 * liquidjs filters the compiled code calls. All are pure functions of their input and arguments;
 * the array ones (map, sort, where, ...) read properties of the items only, never the template's
 * variables, so they behave the same whether the template is interpreted or compiled.
 */
export const SUPPORTED_FILTERS = [
  // strings
  'append', 'prepend', 'capitalize', 'downcase', 'upcase', 'strip', 'lstrip', 'rstrip', 'strip_newlines', 'squish', 'normalize_whitespace',
  'truncate', 'truncatewords', 'replace', 'replace_first', 'replace_last', 'remove', 'remove_first', 'remove_last', 'split', 'number_of_words',
  'array_to_sentence_string',
  // HTML and URLs
  'escape', 'xml_escape', 'escape_once', 'newline_to_br', 'strip_html', 'url_encode', 'url_decode', 'cgi_escape', 'uri_escape', 'slugify',
  // numbers and money
  'plus', 'minus', 'times', 'divided_by', 'modulo', 'round', 'ceil', 'floor', 'abs', 'at_least', 'at_most', 'money',
  // arrays
  'size', 'first', 'last', 'join', 'reverse', 'slice', 'compact', 'concat', 'uniq', 'push', 'pop', 'shift', 'unshift', 'map', 'sort', 'sort_natural', 'sum', 'where', 'reject',
  // dates
  'date', 'date_to_xmlschema', 'date_to_rfc822', 'date_to_string', 'date_to_long_string',
  // other
  'default', 'raw', 'json', 'jsonify', 'to_integer',
] as const;

// The few fields liquidjs keeps private (assign's name and value, echo's value, raw's text, a
// filter's token) are read as they are in liquidjs 10; should a release rename one, templates using
// it are refused with this reason instead of rendering wrong.
const INTERNALS_CHANGED = 'this liquidjs version stores the tag differently: update templates/liquid-compiler.ts';

/** Filters that fail at render time in liquidjs when their argument is missing: refused at compile time instead. */
const FILTER_ARGUMENT_COUNTS: Partial<Record<string, number>> = { append: 1, prepend: 1 };

type FilterHandler = (this: FilterThis, value: unknown, ...args: unknown[]) => unknown;
interface FilterThis {
  context: Context;
  liquid: Liquid;
}

/** What one render carries: the recipient's data and the variables `assign` and `capture` set. */
interface RenderState {
  readonly data: Record<string, unknown>;
  /** liquidjs's bottom scope: `assign` and `capture` write here, and it shadows the data. */
  readonly assigned: Record<string, unknown>;
  /** The current scope of each for loop (indexed by loop), holding its item and `forloop`. */
  readonly loops: Record<string, unknown>[];
  /** The context liquidjs filters receive (memory limit, options); made on the first filter call. */
  filterThis: FilterThis | undefined;
}

type Evaluate = (state: RenderState) => unknown;
type Emit = (state: RenderState) => string;

const hasOwn = Object.prototype.hasOwnProperty;
const objectToString = Object.prototype.toString;
// liquidjs tests `Object.prototype.toString.call(value) === '[object Array]'`: the same answer for
// every value JSON or JavaScript code produces short of a forged Symbol.toStringTag, and much cheaper.
const isArray = Array.isArray as (value: unknown) => value is unknown[];
const isObject = (value: unknown): value is object => value !== null && (typeof value === 'object' || typeof value === 'function');

function stringify(value: unknown): string {
  value = toValue(value);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (isArray(value)) return value.map(stringify).join('');
  return String(value);
}

function toLiquid(value: unknown): unknown {
  const candidate = value as { toLiquid?: unknown } | null | undefined;
  if (candidate && typeof candidate.toLiquid === 'function') return toLiquid((candidate.toLiquid as () => unknown).call(candidate));
  return value;
}

function toEnumerable(value: unknown): unknown[] {
  value = toValue(value);
  if (isArray(value)) return value;
  if (typeof value === 'string' && value.length > 0) return [value];
  if (isObject(value) && Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
  if (isObject(value)) return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
  return [];
}

/** liquidjs's `forloop`: the same fields and methods, so `{{ forloop.index }}` and even `{{ forloop }}` render alike. */
class ForloopDrop extends Drop {
  i = 0;
  length: number;
  name: string;
  constructor(length: number, collection: string, variable: string) {
    super();
    this.length = length;
    this.name = `${variable}-${collection}`;
  }
  next(): void {
    this.i++;
  }
  index0(): number {
    return this.i;
  }
  index(): number {
    return this.i + 1;
  }
  first(): boolean {
    return this.i === 0;
  }
  last(): boolean {
    return this.i === this.length - 1;
  }
  rindex(): number {
    return this.length - this.i;
  }
  rindex0(): number {
    return this.length - this.i - 1;
  }
  override valueOf(): string {
    return JSON.stringify(this);
  }
}

interface LoopBinding {
  variable: string;
  slot: number;
}

/** Compiles one parsed template (liquidjs `parse()` output) for the Liquid instance that parsed it. */
export function compileLiquid(templates: Template[], liquid: Liquid): LiquidCompilation {
  const compiler = new Compiler(liquid);
  const emit = compiler.template(templates);
  if (compiler.problems.length > 0) return { ok: false, problems: compiler.problems };
  const loopCount = compiler.loopCount;
  return {
    ok: true,
    render: (data) => emit({ data, assigned: Object.create(null) as Record<string, unknown>, loops: new Array<Record<string, unknown>>(loopCount), filterThis: undefined }),
  };
}

class Compiler {
  readonly problems: UnsupportedConstruct[] = [];
  loopCount = 0;
  private readonly ownPropertyOnly: boolean;
  private readonly globals: object;
  /** isTruthy/isFalsy read only the options from the context. */
  private readonly truthContext: Context;
  /** liquidjs's isTruthy for our options, without the context lookup. */
  private readonly truthy: (value: unknown) => boolean;
  /** Variables some assign or capture in this template sets: only these can be shadowed at render time. */
  private assignedNames = new Set<unknown>();
  /** The output escape (escape, for HTML) as a plain function, when it can run without liquidjs's context. */
  private readonly fastEscape: ((value: unknown) => string) | undefined;
  private readonly filterThis: (state: RenderState) => FilterThis;

  constructor(private readonly liquid: Liquid) {
    const options = liquid.options;
    if (options.operators !== defaultOperators) this.problems.push({ line: 1, reason: 'custom Liquid operators cannot be compiled' });
    if (options.strictVariables || options.lenientIf || options.keepOutputType) this.problems.push({ line: 1, reason: 'strictVariables, lenientIf and keepOutputType are not compiled' });
    this.ownPropertyOnly = options.ownPropertyOnly;
    this.globals = options.globals as Record<string, unknown>;
    this.truthContext = { opts: options } as Context;
    this.truthy = options.jsTruthy
      ? (value) => !!toValue(value)
      : (value) => {
          value = toValue(value);
          return value !== false && value !== undefined && value !== null;
        };
    // liquidjs's escape charges its memory limit and replaces with a callback per character; with no
    // memory limit set (ours) the same output comes from a test and a replace only when needed.
    this.fastEscape = options.outputEscape === liquid.filters['escape'] && options.memoryLimit === Infinity ? escapeHtml : undefined;
    // The supported filters use their context for options, the memory limit and item lookups, never
    // for the template's variables. Without a memory limit nothing in it changes from one render to
    // the next, so one context serves every render; with a limit, each render gets its own.
    if (options.memoryLimit === Infinity) {
      const shared: FilterThis = { context: new Context({}, options, {}, { liquid }), liquid };
      this.filterThis = () => shared;
    } else {
      this.filterThis = (state) => (state.filterThis ??= { context: new Context(state.data, options, {}, { liquid }), liquid });
    }
  }

  private refuse(token: Token, reason: string): Emit {
    this.problems.push({ line: token.getPosition()[0] ?? 1, reason });
    return () => '';
  }

  /** The whole template: variables set by assign/capture are known before any of it is compiled. */
  template(templates: Template[]): Emit {
    this.assignedNames = assignedNames(templates);
    return this.block(templates, []);
  }

  block(templates: Template[], loops: readonly LoopBinding[]): Emit {
    const parts: (string | Emit)[] = [];
    for (const template of templates) {
      const part = this.node(template, loops);
      if (part === '') continue;
      const previous = parts[parts.length - 1];
      // Adjacent static chunks become one string: fewer concatenations per render.
      if (typeof part === 'string' && typeof previous === 'string') parts[parts.length - 1] = previous + part;
      else parts.push(part);
    }
    if (parts.length === 0) return () => '';
    if (parts.length === 1) {
      const only = parts[0] as string | Emit;
      return typeof only === 'string' ? () => only : only;
    }
    return (state) => {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as string | Emit;
        out += typeof part === 'string' ? part : part(state);
      }
      return out;
    };
  }

  private node(template: Template, loops: readonly LoopBinding[]): string | Emit {
    if (TypeGuards.isHTMLToken(template.token)) return template.token.getContent();
    if (template instanceof Output) {
      const value = this.value(template.value, loops, template.token);
      return (state) => {
        const result = toValue(value(state));
        return typeof result === 'string' ? result : stringify(result);
      };
    }
    if (template instanceof IfTag) {
      const branches = template.branches.map((branch) => ({ test: this.value(branch.value, loops, template.token), body: this.block(branch.templates, loops) }));
      const otherwise = this.block(template.elseTemplates ?? [], loops);
      const truthy = this.truthy;
      return (state) => {
        for (const branch of branches) if (truthy(toValue(branch.test(state)))) return branch.body(state);
        return otherwise(state);
      };
    }
    if (template instanceof UnlessTag) {
      const branches = template.branches.map((branch) => ({ value: this.value(branch.value, loops, template.token), test: branch.test, body: this.block(branch.templates, loops) }));
      const otherwise = this.block(template.elseTemplates, loops);
      const truth = this.truthContext;
      return (state) => {
        for (const branch of branches) if (branch.test(toValue(branch.value(state)), truth)) return branch.body(state);
        return otherwise(state);
      };
    }
    if (template instanceof CaseTag) return this.caseTag(template, loops);
    if (template instanceof ForTag) return this.forTag(template, loops);
    if (template instanceof AssignTag) {
      const { key, value } = template as unknown as { key?: unknown; value?: Value };
      if (typeof key !== 'string' || value === undefined) return this.refuse(template.token, INTERNALS_CHANGED);
      const evaluate = this.value(value, loops, template.token);
      return (state) => {
        state.assigned[key] = evaluate(state);
        return '';
      };
    }
    if (template instanceof CaptureTag) {
      const body = this.block(template.templates, loops);
      const variable = template.variable;
      return (state) => {
        state.assigned[variable] = body(state);
        return '';
      };
    }
    if (template instanceof EchoTag) {
      const { value } = template as unknown as { value?: Value };
      if (value === undefined) return '';
      const evaluate = this.value(value, loops, template.token);
      const escape = this.liquid.options.outputEscape as FilterHandler | undefined;
      const escapes = escape !== undefined && value.filters[value.filters.length - 1]?.raw !== true;
      return (state) => {
        const result = toValue(evaluate(state));
        return stringify(escapes ? toValueSync(escape.call(this.filterThis(state), result)) : result);
      };
    }
    if (template instanceof RawTag) {
      const { tokens } = template as unknown as { tokens?: Token[] };
      return tokens === undefined ? this.refuse(template.token, INTERNALS_CHANGED) : tokens.map((token) => token.getText()).join('');
    }
    if (template instanceof CommentTag || template instanceof InlineCommentTag) return '';
    if (template instanceof LiquidTag) return this.block(template.templates, loops);
    const name = (template as { name?: unknown }).name;
    return this.refuse(template.token as Token, `{% ${String(name)} %} is not supported in e-mail templates (supported tags: ${SUPPORTED_TAGS.join(', ')})`);
  }

  private caseTag(template: CaseTag, loops: readonly LoopBinding[]): Emit {
    const target = this.value(template.value, loops, template.token);
    const branches = template.branches.map((branch) => ({ values: branch.values.map((token) => this.token(token, loops)), body: this.block(branch.templates, loops) }));
    const otherwise = this.block(template.elseTemplates, loops);
    const equals = defaultOperators['=='] as (l: unknown, r: unknown) => unknown;
    return (state) => {
      const subject = toValue(target(state));
      let out = '';
      let hit = false;
      // As liquidjs (and Shopify's Liquid) do: every matching `when` renders, not only the first.
      for (const branch of branches) {
        for (const value of branch.values) {
          if (toValueSync(equals(subject, value(state)))) {
            out += branch.body(state);
            hit = true;
            break;
          }
        }
      }
      return hit ? out : otherwise(state);
    };
  }

  private forTag(template: ForTag, loops: readonly LoopBinding[]): Emit {
    const variable = template.variable;
    if (variable === 'forloop') return this.refuse(template.token, 'a for loop cannot name its item forloop');
    const collection = this.token(template.collection, loops);
    const collectionText = template.collection.getText();
    const modifiers: ((items: unknown[], state: RenderState) => unknown[])[] = [];
    const hash = template.hash.hash;
    for (const modifier of ['offset', 'limit', 'reversed'] as const) {
      if (!(modifier in hash)) continue;
      const token = hash[modifier];
      if (token !== undefined && TypeGuards.isPropertyAccessToken(token) && token.variable === undefined && token.props[0] !== undefined && 'content' in token.props[0] && token.props[0].content === 'continue') {
        return this.refuse(template.token, `for ... ${modifier}: continue is not supported`);
      }
      const evaluate = token === undefined ? () => true : this.token(token, loops);
      // Same order and operations as liquidjs: offset, then limit, then reversed, each when given.
      // A modifier whose value is undefined (a missing variable) is not applied.
      modifiers.push((items, state) => {
        const argument = evaluate(state);
        if (argument === undefined) return items;
        if (modifier === 'offset') return items.slice(argument as number);
        if (modifier === 'limit') return items.slice(0, argument as number);
        return [...items].reverse();
      });
    }
    const slot = this.loopCount++;
    const body = this.block(template.templates, [...loops, { variable, slot }]);
    const otherwise = this.block(template.elseTemplates, loops);
    return (state) => {
      let items = toEnumerable(collection(state));
      if (items.length === 0) return otherwise(state);
      for (const modifier of modifiers) items = modifier(items, state);
      const forloop = new ForloopDrop(items.length, collectionText, variable);
      const scope = Object.create(null) as Record<string, unknown>;
      scope['forloop'] = forloop;
      state.loops[slot] = scope;
      let out = '';
      for (const item of items) {
        scope[variable] = item;
        out += body(state);
        forloop.next();
      }
      return out;
    };
  }

  /** A value with its filters, as liquidjs's `Value`: the filter list of an HTML output ends with the escape filter. */
  private value(value: Value, loops: readonly LoopBinding[], where: Token): Evaluate {
    const initial = this.expression(value.initial.postfix, loops);
    const escape = this.liquid.options.outputEscape;
    const filters = value.filters.map((filter, index) => {
      const appendedEscape = index === value.filters.length - 1 && escape !== undefined && filter.name === objectToString.call(escape);
      const fastEscape = this.fastEscape;
      if (appendedEscape && fastEscape !== undefined) return (_state: RenderState, input: unknown) => fastEscape(input);
      return this.filter(filter.name, appendedEscape ? (escape as FilterHandler) : undefined, filter.args, (filter as unknown as { token?: Token }).token ?? where, loops);
    });
    return chain(initial, filters);
  }

  private filter(name: string, handler: FilterHandler | undefined, args: Value['filters'][number]['args'], token: Token, loops: readonly LoopBinding[]): (state: RenderState, input: unknown) => unknown {
    if (handler === undefined) {
      if (!(SUPPORTED_FILTERS as readonly string[]).includes(name)) {
        this.refuse(token, `filter ${name} is not supported in e-mail templates (supported: ${SUPPORTED_FILTERS.join(', ')})`);
        return (_state, input) => input;
      }
      const implementation = this.liquid.filters[name];
      // liquidjs registers most filters as functions, some (raw) as { handler, raw }.
      handler = (typeof implementation === 'function' ? implementation : (implementation?.handler ?? ((input: unknown) => input))) as FilterHandler;
      const expected = FILTER_ARGUMENT_COUNTS[name];
      if (expected !== undefined && args.length !== expected) this.refuse(token, `filter ${name} takes ${expected} argument${expected === 1 ? '' : 's'}`);
    }
    const filterThis = this.filterThis;
    const compiled = args.map((arg): Evaluate => {
      if (!isArray(arg)) return this.token(arg, loops);
      const [key, valueToken] = arg;
      const evaluate = valueToken === undefined ? () => undefined : this.token(valueToken, loops);
      return (state) => [key, evaluate(state)];
    });
    const run = handler;
    let apply: (state: RenderState, input: unknown) => unknown;
    // Filters may be generators (map, sort, where): toValueSync runs them to their value, as liquidjs does.
    if (compiled.length === 0) apply = (state, input) => toValueSync(run.call(filterThis(state), input));
    else if (compiled.length === 1) {
      const first = compiled[0] as Evaluate;
      apply = (state, input) => toValueSync(run.call(filterThis(state), input, first(state)));
    } else apply = (state, input) => toValueSync(run.call(filterThis(state), input, ...compiled.map((evaluate) => evaluate(state))));
    const constantNumberArgument = args.length === 0 || (args.length === 1 && !isArray(args[0]) && typeof (args[0] as { content?: unknown }).content === 'number');
    return name === 'round' && constantNumberArgument ? memoiseNumbers(apply) : apply;
  }

  /** liquidjs's `Expression.evaluate` over the postfix tokens, resolved into closures at compile time. */
  private expression(postfix: readonly Token[], loops: readonly LoopBinding[]): Evaluate {
    const operands: Evaluate[] = [];
    const missing: Evaluate = () => undefined;
    for (const token of postfix) {
      if (!TypeGuards.isOperatorToken(token)) {
        operands.push(this.token(token, loops));
        continue;
      }
      const right = operands.pop() ?? missing;
      if (token.operator === 'not') {
        const truth = this.truthContext;
        operands.push((state) => isFalsy(toValue(right(state)), truth));
        continue;
      }
      const left = operands.pop() ?? missing;
      operands.push(this.operator(token.operator, left, right));
    }
    return operands[0] ?? missing;
  }

  private operator(operator: string, left: Evaluate, right: Evaluate): Evaluate {
    const truth = this.truthContext;
    const truthy = this.truthy;
    if (operator === 'and') return (state) => truthy(toValue(left(state))) && truthy(toValue(right(state)));
    if (operator === 'or') return (state) => truthy(toValue(left(state))) || truthy(toValue(right(state)));
    const general = defaultOperators[operator] as ((l: unknown, r: unknown, ctx: Context) => unknown) | undefined;
    if (general === undefined) return () => undefined;
    const plain = (value: unknown) => value === undefined || (typeof value !== 'object' && typeof value !== 'function');
    // Between two plain values liquidjs's operators reduce to JavaScript's; anything else (nil,
    // empty, blank, arrays, objects) goes through liquidjs's own operator.
    const fast: ((l: never, r: never) => boolean) | undefined = {
      '==': (l: unknown, r: unknown) => l === r,
      '!=': (l: unknown, r: unknown) => l !== r,
      '<': (l: never, r: never) => l < r,
      '>': (l: never, r: never) => l > r,
      '<=': (l: never, r: never) => l <= r,
      '>=': (l: never, r: never) => l >= r,
    }[operator];
    if (fast === undefined) return (state) => toValueSync(general(left(state), right(state), truth));
    return (state) => {
      const l = left(state);
      const r = right(state);
      return plain(l) && plain(r) ? fast(l as never, r as never) : toValueSync(general(l, r, truth));
    };
  }

  /** liquidjs's `evalToken`: a literal, a variable path, a range or a filtered value in parentheses. */
  private token(token: Token, loops: readonly LoopBinding[]): Evaluate {
    if ('content' in token) {
      const content = (token as { content: unknown }).content;
      return () => content;
    }
    if (TypeGuards.isPropertyAccessToken(token)) return this.propertyAccess(token, loops);
    if (TypeGuards.isRangeToken(token)) {
      const low = this.token(token.lhs, loops);
      const high = this.token(token.rhs, loops);
      return (state) => {
        const from = +(toValue(low(state)) as number);
        const to = +(toValue(high(state)) as number) + 1;
        const range: number[] = [];
        for (let i = from; i < to; i++) range.push(i);
        return range;
      };
    }
    if (TypeGuards.isFilteredValueToken(token)) return this.filteredValue(token, loops);
    this.refuse(token, `unsupported expression ${token.getText()}`);
    return () => undefined;
  }

  private filteredValue(token: FilteredValueToken, loops: readonly LoopBinding[]): Evaluate {
    const initial = this.expression(token.initial.postfix, loops);
    return chain(initial, token.filters.map((filter) => this.filter(filter.name, undefined, filter.args, filter, loops)));
  }

  private propertyAccess(token: PropertyAccessToken, loops: readonly LoopBinding[]): Evaluate {
    const keys = token.props.map((prop) => {
      if ('content' in prop) return prop.content as unknown;
      const evaluate = this.token(prop, loops);
      return (state: RenderState) => toValue(evaluate(state));
    });
    let base: Evaluate;
    let path: unknown[];
    if (token.variable !== undefined) {
      base = this.token(token.variable, loops);
      path = keys;
    } else {
      const root = keys[0];
      if (typeof root === 'function') {
        this.refuse(token, `a variable whose name is computed (${token.getText()}) is not supported`);
        return () => undefined;
      }
      base = this.scopeOf(root, loops);
      path = keys;
    }
    const ownPropertyOnly = this.ownPropertyOnly;
    const filterThis = this.filterThis;
    const steps = path.map((key): ((state: RenderState, object: unknown) => unknown) => {
      if (typeof key === 'function') {
        const evaluate = key as Evaluate;
        return (state, object) => readProperty(object, evaluate(state), ownPropertyOnly, state, filterThis);
      }
      if (typeof key === 'string' && ownPropertyOnly && key !== 'size' && key !== 'first' && key !== 'last') {
        return (state, object) => readOwnNamed(object, key, state, filterThis);
      }
      return (state, object) => readProperty(object, key, ownPropertyOnly, state, filterThis);
    });
    return chain(base, steps);
  }

  /**
   * liquidjs's `findScope` for a variable name: the innermost for loop that binds it, else the
   * variables set by assign/capture, else the data, else the globals. Which loop binds a name is
   * known at compile time; whether an assign ran is not.
   */
  private scopeOf(name: unknown, loops: readonly LoopBinding[]): Evaluate {
    for (let i = loops.length - 1; i >= 0; i--) {
      const loop = loops[i] as LoopBinding;
      if (name === loop.variable || name === 'forloop') {
        const slot = loop.slot;
        return (state) => state.loops[slot];
      }
    }
    const globals = this.globals;
    const key = name as string;
    if (!this.assignedNames.has(name)) return (state) => (key in state.data ? state.data : globals);
    return (state) => (key in state.assigned ? state.assigned : key in state.data ? state.data : globals);
  }
}

function readArrayElement(array: unknown[], index: number, ownPropertyOnly: boolean): unknown {
  if (index < 0) index = array.length + index;
  if (ownPropertyOnly && !hasOwn.call(array, index)) return undefined;
  return array[index];
}

function readJSProperty(object: object, key: unknown, ownPropertyOnly: boolean): unknown {
  if (ownPropertyOnly && !hasOwn.call(object, key as PropertyKey) && !(object instanceof Drop)) return undefined;
  return (object as Record<PropertyKey, unknown>)[key as PropertyKey];
}

/**
 * `readProperty` for a property name known at compile time (not size, first or last) with
 * ownPropertyOnly: the same result, with the plain-object case first.
 */
function readOwnNamed(object: unknown, key: string, state: RenderState, filterThis: (state: RenderState) => FilterThis): unknown {
  if (object === null || object === undefined) return object;
  if (typeof object !== 'object' || typeof (object as { toLiquid?: unknown }).toLiquid === 'function' || object instanceof Drop) {
    return readProperty(object, key, true, state, filterThis);
  }
  if (!hasOwn.call(object, key)) return undefined;
  const value = (object as Record<string, unknown>)[key];
  return typeof value === 'function' ? (value as () => unknown).call(object) : value;
}

const ESCAPED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPE_ALL = /[&<>"']/g;

/** liquidjs's `escape` filter without its memory accounting. */
function escapeHtml(value: unknown): string {
  const text = stringify(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPE_ALL, (char) => ESCAPED[char] as string) : text;
}

/**
 * liquidjs's `round` rounds through decimal strings (exact, ≈ 1.4 µs a call) and a newsletter rounds
 * the same prices for every recipient: the answers for number inputs are kept (a pure function of
 * the input, the argument being a constant), at most a few thousand per filter in the template.
 */
function memoiseNumbers(apply: (state: RenderState, input: unknown) => unknown): (state: RenderState, input: unknown) => unknown {
  const answers = new Map<number, unknown>();
  return (state, input) => {
    if (typeof input !== 'number') return apply(state, input);
    let answer = answers.get(input);
    if (answer === undefined) {
      answer = apply(state, input);
      if (answers.size >= 4096) answers.clear();
      answers.set(input, answer);
    }
    return answer;
  };
}

type Step = (state: RenderState, input: unknown) => unknown;

/** `first`, then each step on the result: a filter chain or a property path. Short chains (most) get a closure without a loop. */
function chain(first: Evaluate, steps: readonly Step[]): Evaluate {
  const [a, b, c] = steps;
  if (a === undefined) return first;
  if (b === undefined) return (state) => a(state, first(state));
  if (c === undefined) return (state) => b(state, a(state, first(state)));
  if (steps.length === 3) return (state) => c(state, b(state, a(state, first(state))));
  return (state) => {
    let value = first(state);
    for (let i = 0; i < steps.length; i++) value = (steps[i] as Step)(state, value);
    return value;
  };
}

/** Names `assign` and `capture` set anywhere in the template, loops and branches included. */
function assignedNames(templates: readonly Template[], names = new Set<unknown>()): Set<unknown> {
  for (const template of templates) {
    if (template instanceof AssignTag) names.add((template as unknown as { key: string }).key);
    else if (template instanceof CaptureTag) {
      names.add(template.variable);
      assignedNames(template.templates, names);
    } else if (template instanceof IfTag) {
      for (const branch of template.branches) assignedNames(branch.templates, names);
      assignedNames(template.elseTemplates ?? [], names);
    } else if (template instanceof UnlessTag || template instanceof CaseTag) {
      for (const branch of template.branches) assignedNames(branch.templates, names);
      assignedNames(template.elseTemplates, names);
    } else if (template instanceof ForTag) {
      assignedNames(template.templates, names);
      assignedNames(template.elseTemplates, names);
    } else if (template instanceof LiquidTag) assignedNames(template.templates, names);
  }
  return names;
}

/** liquidjs's `Context.readProperty`, step for step. */
function readProperty(object: unknown, key: unknown, ownPropertyOnly: boolean, state: RenderState, filterThis: (state: RenderState) => FilterThis): unknown {
  object = toLiquid(object);
  key = toValue(key);
  if (object === null || object === undefined) return object;
  if (isArray(object) && typeof key === 'number') return readArrayElement(object, key, ownPropertyOnly);
  const target = Object(object) as object;
  const value = readJSProperty(target, key, ownPropertyOnly);
  if (value === undefined && object instanceof Drop) return object.liquidMethodMissing(key as string, filterThis(state).context);
  if (typeof value === 'function') return (value as () => unknown).call(object);
  if (key === 'size') {
    if (hasOwn.call(target, 'size') || (target as { size?: unknown }).size !== undefined) return (target as { size?: unknown }).size;
    if (isArray(object) || typeof object === 'string') return object.length;
    if (typeof object === 'object') return Object.keys(object).length;
    return undefined;
  }
  if (key === 'first') return isArray(object) ? readArrayElement(object, 0, ownPropertyOnly) : readJSProperty(target, 'first', ownPropertyOnly);
  if (key === 'last') return isArray(object) ? readArrayElement(object, -1, ownPropertyOnly) : readJSProperty(target, 'last', ownPropertyOnly);
  return value;
}
