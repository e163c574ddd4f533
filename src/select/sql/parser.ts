import { S3Error, type S3ErrorCode } from '../../s3/errors.js';
import type {
  AggregateName, CastType, ComparisonOp, DatePart, Expr, PathStep, ScalarFunctionName, SelectItem,
  SelectStatement, TrimSide,
} from './ast.js';
import { tokenize } from './lexer.js';
import { MAX_TREE_DEPTH } from './limits.js';
import { RESERVED, type Token } from './tokens.js';
import { built } from './tree-depth.js';

const AGGREGATES = new Set<string>(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const SCALAR_FUNCTIONS = new Set<string>([
  'COALESCE', 'NULLIF', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'LOWER', 'UPPER', 'TO_STRING', 'TO_TIMESTAMP', 'UTCNOW',
]);
const DATE_PARTS = new Set<string>(['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'TIMEZONE_HOUR', 'TIMEZONE_MINUTE']);
const CAST_TYPES: Record<string, CastType> = {
  BOOL: 'BOOL', BOOLEAN: 'BOOL', INT: 'INT', INTEGER: 'INT', STRING: 'STRING', FLOAT: 'FLOAT',
  DOUBLE: 'FLOAT', DECIMAL: 'DECIMAL', NUMERIC: 'DECIMAL', TIMESTAMP: 'TIMESTAMP',
};
/** Clauses outside the dialect: recognised so they get a clear code, never parsed. */
const UNSUPPORTED_CLAUSES = new Set(['GROUP', 'ORDER', 'HAVING', 'JOIN', 'UNION', 'INTERSECT', 'EXCEPT', 'OFFSET',
  'INNER', 'LEFT', 'RIGHT', 'OUTER', 'CROSS']);
const COMPARISONS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const INT64_MAX = 9223372036854775807n;

/** Parses one S3 Select statement into its syntax tree, or throws the S3 Select error code AWS uses. */
export function parseSelect(expression: string): SelectStatement {
  return new Parser(tokenize(expression)).statement();
}

class Parser {
  private at = 0;
  /** Parser recursion, counted separately from tree depth: parentheses nest without adding nodes. */
  private nesting = 0;

  constructor(private readonly tokens: Token[]) {}

  statement(): SelectStatement {
    if (!this.isWord('SELECT')) this.fail('ParseUnexpectedToken', 'The statement must start with SELECT.');
    this.next();
    if (this.isWord('DISTINCT') || this.isWord('ALL')) this.fail('ParseUnsupportedSyntax', 'SELECT DISTINCT and SELECT ALL are not supported.');
    const items = this.selectList();
    if (!this.isWord('FROM')) {
      if (this.peek().kind === 'eof') this.fail('ParseSelectMissingFrom');
      this.unexpected();
    }
    this.next();
    const statement: SelectStatement = { items, fromPath: this.fromTarget() };
    statement.alias = this.optionalAlias();
    if (this.pendingStarAlias?.kind === 'name') {
      statement.starQualifier = { name: this.pendingStarAlias.name, quoted: this.pendingStarAlias.quoted };
    }
    if (this.isWord('WHERE')) {
      this.next();
      statement.where = this.expression();
    }
    if (this.isWord('LIMIT')) {
      this.next();
      statement.limit = this.limitCount();
    }
    if (this.peek().kind !== 'eof') this.unexpected();
    return statement;
  }

  private selectList(): SelectItem[] | undefined {
    if (this.isWord('FROM') || this.peek().kind === 'eof') this.fail('ParseEmptySelect');
    if (this.isOp('*')) {
      this.next();
      if (this.isOp(',')) this.fail('ParseAsteriskIsNotAloneInSelectList');
      return undefined;
    }
    const items: SelectItem[] = [];
    for (;;) {
      if (this.isOp('*')) this.fail('ParseAsteriskIsNotAloneInSelectList');
      const expr = this.expression();
      if (expr.kind === 'path' && expr.steps.at(-1)?.kind === 'wildcard') {
        // `alias.*` is the whole record: allowed only alone, as SELECT *.
        const steps = expr.steps;
        if (steps.length === 2 && steps[0].kind === 'name' && items.length === 0 && !this.isOp(',')) {
          this.pendingStarAlias = steps[0];
          return undefined;
        }
        this.fail('ParseInvalidContextForWildcardInSelectList');
      }
      const item: SelectItem = { expr };
      const alias = this.optionalAlias();
      if (alias) item.alias = alias.name;
      items.push(item);
      if (!this.isOp(',')) return items;
      this.next();
    }
  }

  /** `s` in `SELECT s.* FROM S3Object s`, kept until the FROM alias is known. */
  private pendingStarAlias?: PathStep;

  private fromTarget(): PathStep[] {
    const table = this.peek();
    if (table.kind !== 'ident' || table.upper !== 'S3OBJECT') {
      if (this.isOp('(')) this.fail('UnsupportedSqlStructure', 'Subqueries are not supported.');
      this.unexpected();
    }
    this.next();
    const steps: PathStep[] = [];
    for (;;) {
      if (this.isOp('[')) {
        steps.push(this.bracketStep());
      } else if (this.isOp('.')) {
        this.next();
        steps.push(this.dotStep());
      } else {
        break;
      }
    }
    if (this.isOp(',')) this.fail('MultipleDataSourcesUnsupported');
    return steps;
  }

  private optionalAlias(): { name: string; quoted: boolean } | undefined {
    if (this.isWord('AS')) {
      this.next();
      const t = this.peek();
      if (t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.upper))) {
        this.next();
        return { name: t.text, quoted: t.kind === 'quoted' };
      }
      this.fail('ParseExpectedIdentForAlias');
    }
    const t = this.peek();
    if (t.kind === 'quoted' || (t.kind === 'ident' && !RESERVED.has(t.upper))) {
      this.next();
      return { name: t.text, quoted: t.kind === 'quoted' };
    }
    return undefined;
  }

  private limitCount(): bigint {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail('ParseExpectedNumber');
    this.next();
    const value = BigInt(t.text);
    if (value > INT64_MAX) this.fail('IntegerOverflow');
    return value;
  }

  // ---- expressions, lowest precedence first ----

  expression(): Expr {
    if (++this.nesting > MAX_TREE_DEPTH) {
      this.fail('ParseUnsupportedSyntax', `The SQL expression nests deeper than ${MAX_TREE_DEPTH} levels.`);
    }
    const expr = this.orExpr();
    this.nesting--;
    return expr;
  }

  private orExpr(): Expr {
    return this.flatChain('OR', () => this.andExpr());
  }

  private andExpr(): Expr {
    return this.flatChain('AND', () => this.notExpr());
  }

  /** `x AND y AND z` as one flat node, so long chains add no depth. */
  private flatChain(word: 'AND' | 'OR', operand: () => Expr): Expr {
    const operands = [operand()];
    while (this.isWord(word)) {
      this.next();
      operands.push(operand());
    }
    const kind = word === 'AND' ? 'and' : 'or';
    return operands.length === 1 ? operands[0] : built({ kind, operands }, operands);
  }

  private notExpr(): Expr {
    if (this.isWord('NOT')) {
      this.next();
      if (++this.nesting > MAX_TREE_DEPTH) this.fail('ParseUnsupportedSyntax', 'The SQL expression nests too deeply.');
      const operand = this.notExpr();
      this.nesting--;
      return built({ kind: 'not', operand }, [operand]);
    }
    return this.predicate();
  }

  private predicate(): Expr {
    const left = this.concatExpr();
    const t = this.peek();
    if (t.kind === 'op' && COMPARISONS.has(t.text)) {
      this.next();
      const right = this.concatExpr();
      const op = (t.text === '<>' ? '!=' : t.text) as ComparisonOp;
      const expr = built({ kind: 'compare', op, left, right }, [left, right]);
      const after = this.peek();
      if (after.kind === 'op' && COMPARISONS.has(after.text)) this.fail('ParseUnexpectedOperator');
      return expr;
    }
    if (this.isWord('IS')) {
      this.next();
      const negated = this.skipWord('NOT');
      const test = this.peek().upper;
      if (test !== 'NULL' && test !== 'MISSING') this.fail('ParseExpectedKeyword', 'IS must be followed by [NOT] NULL or [NOT] MISSING.');
      this.next();
      return built({ kind: 'is', negated, value: left, test: test as 'NULL' | 'MISSING' }, [left]);
    }
    const negated = this.isWord('NOT') && ['LIKE', 'BETWEEN', 'IN'].includes(this.peek(1).upper) && this.peek(1).kind === 'ident';
    if (negated) this.next();
    if (this.isWord('LIKE')) {
      this.next();
      const pattern = this.concatExpr();
      let escape: Expr | undefined;
      if (this.isWord('ESCAPE')) {
        this.next();
        escape = this.concatExpr();
      }
      return built({ kind: 'like', negated, value: left, pattern, escape }, [left, pattern, escape]);
    }
    if (this.isWord('BETWEEN')) {
      this.next();
      const low = this.concatExpr();
      this.expectWord('AND');
      const high = this.concatExpr();
      return built({ kind: 'between', negated, value: left, low, high }, [left, low, high]);
    }
    if (this.isWord('IN')) {
      this.next();
      this.expectOp('(', 'ParseExpectedTokenType');
      if (this.isWord('SELECT')) this.fail('UnsupportedSqlStructure', 'Subqueries are not supported.');
      const list = this.argumentList();
      return built({ kind: 'in', negated, value: left, list }, [left, ...list]);
    }
    return left;
  }

  private concatExpr(): Expr {
    let left = this.additive();
    while (this.isOp('||')) {
      this.next();
      const right = this.additive();
      left = built({ kind: 'concat', left, right }, [left, right]);
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().text as '+' | '-';
      const right = this.multiplicative();
      left = built({ kind: 'arith', op, left, right }, [left, right]);
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().text as '*' | '/' | '%';
      const right = this.unary();
      left = built({ kind: 'arith', op, left, right }, [left, right]);
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const sign = this.next().text;
      if (++this.nesting > MAX_TREE_DEPTH) this.fail('ParseUnsupportedSyntax', 'The SQL expression nests too deeply.');
      const operand = this.unary();
      this.nesting--;
      if (sign === '+') return operand;
      return built({ kind: 'neg', operand }, [operand]);
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Expr): Expr {
    if (base.kind !== 'path') {
      if (this.isOp('.') || this.isOp('[')) this.fail('ParseUnsupportedSyntax', 'Paths apply only to column references.');
      return base;
    }
    const steps = base.steps;
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        steps.push(this.dotStep());
      } else if (this.isOp('[')) {
        steps.push(this.bracketStep());
      } else {
        return built({ kind: 'path', steps }, []);
      }
    }
  }

  private dotStep(): PathStep {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '*') {
      this.next();
      return { kind: 'wildcard' };
    }
    if (t.kind === 'ident' || t.kind === 'quoted') {
      this.next();
      return { kind: 'name', name: t.text, quoted: t.kind === 'quoted' };
    }
    return this.fail('ParseUnexpectedToken', 'Expected a name after "." in the SQL expression.');
  }

  private bracketStep(): PathStep {
    this.expectOp('[', 'ParseExpectedTokenType');
    const t = this.next();
    let step: PathStep;
    if (t.kind === 'op' && t.text === '*') step = { kind: 'wildcard' };
    else if (t.kind === 'number' && /^\d+$/.test(t.text)) {
      const index = Number(t.text);
      if (!Number.isSafeInteger(index)) this.fail('InvalidKeyPath');
      step = { kind: 'index', index };
    } else if (t.kind === 'string') step = { kind: 'name', name: t.text, quoted: true };
    else return this.fail('InvalidKeyPath');
    this.expectOp(']', 'ParseExpectedTokenType');
    return step;
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return built(numberLiteral(t.text), []);
      case 'string':
        this.next();
        return built({ kind: 'string', value: t.text }, []);
      case 'ion':
        this.next();
        return built({ kind: 'timestamp', text: t.text }, []);
      case 'quoted':
        this.next();
        return { kind: 'path', steps: [{ kind: 'name', name: t.text, quoted: true }] };
      case 'op':
        if (t.text === '(') {
          this.next();
          if (this.isWord('SELECT')) this.fail('UnsupportedSqlStructure', 'Subqueries are not supported.');
          const inner = this.expression();
          this.expectOp(')', 'ParseExpectedTokenType');
          return inner;
        }
        if (t.text === ';') this.unexpected();
        return this.fail('ParseUnexpectedOperator');
      case 'eof':
        return this.fail('ParseExpectedExpression');
      case 'ident':
        return this.identifierExpression(t);
    }
  }

  private identifierExpression(t: Token): Expr {
    switch (t.upper) {
      case 'NULL':
        this.next();
        return built({ kind: 'null' }, []);
      case 'MISSING':
        this.next();
        return built({ kind: 'missing' }, []);
      case 'TRUE':
      case 'FALSE':
        this.next();
        return built({ kind: 'bool', value: t.upper === 'TRUE' }, []);
      case 'CASE':
        return this.caseExpression();
      case 'CAST':
        return this.castExpression();
    }
    if (this.peek(1).kind === 'op' && this.peek(1).text === '(') return this.functionCall(t);
    if (RESERVED.has(t.upper)) {
      if (UNSUPPORTED_CLAUSES.has(t.upper)) this.fail('UnsupportedSqlOperation');
      this.fail('ParseExpectedExpression');
    }
    this.next();
    return { kind: 'path', steps: [{ kind: 'name', name: t.text, quoted: false }] };
  }

  private caseExpression(): Expr {
    this.next();
    const subject = this.isWord('WHEN') ? undefined : this.expression();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.isWord('WHEN')) {
      this.next();
      const when = this.expression();
      this.expectWord('THEN');
      whens.push({ when, then: this.expression() });
    }
    if (whens.length === 0) this.fail('ParseExpectedKeyword', 'CASE needs at least one WHEN clause.');
    let otherwise: Expr | undefined;
    if (this.isWord('ELSE')) {
      this.next();
      otherwise = this.expression();
    }
    this.expectWord('END');
    const children = [subject, otherwise, ...whens.flatMap((w) => [w.when, w.then])];
    return built({ kind: 'case', subject, whens, otherwise }, children);
  }

  private castExpression(): Expr {
    this.next();
    if (!this.isOp('(')) this.fail('ParseExpectedLeftParenAfterCast');
    this.next();
    const value = this.expression();
    if (!this.isWord('AS')) {
      if (this.isOp(',') || this.isOp(')')) this.fail('ParseCastArity');
      this.unexpected();
    }
    this.next();
    const typeToken = this.peek();
    const type = typeToken.kind === 'ident' ? CAST_TYPES[typeToken.upper] : undefined;
    if (!type) this.fail('ParseExpectedTypeName');
    this.next();
    const expr: Expr = { kind: 'cast', value, type };
    if (this.isOp('(')) {
      if (type !== 'DECIMAL') this.fail('ParseInvalidTypeParam');
      this.next();
      expr.precision = this.typeParam(1, 38);
      if (this.isOp(',')) {
        this.next();
        expr.scale = this.typeParam(0, expr.precision);
      }
      this.expectOp(')', 'ParseInvalidTypeParam');
    }
    this.expectOp(')', 'ParseCastArity');
    return built(expr, [value]);
  }

  private typeParam(min: number, max: number): number {
    const t = this.next();
    const value = t.kind === 'number' && /^\d+$/.test(t.text) ? Number(t.text) : NaN;
    if (!(value >= min && value <= max)) this.fail('ParseInvalidTypeParam');
    return value;
  }

  private functionCall(nameToken: Token): Expr {
    const name = nameToken.upper;
    this.next(); // name
    this.next(); // (
    if (AGGREGATES.has(name)) return this.aggregateCall(name as AggregateName);
    switch (name) {
      case 'SUBSTRING':
        return this.substringCall();
      case 'TRIM':
        return this.trimCall();
      case 'EXTRACT': {
        const part = this.datePart();
        this.expectWord('FROM');
        const value = this.expression();
        this.closeCall();
        return built({ kind: 'extract', part, value }, [value]);
      }
      case 'DATE_ADD': {
        const part = this.datePart();
        this.expectOp(',', 'ParseExpectedArgumentDelimiter');
        const amount = this.expression();
        this.expectOp(',', 'ParseExpectedArgumentDelimiter');
        const value = this.expression();
        this.closeCall();
        return built({ kind: 'date_add', part, amount, value }, [amount, value]);
      }
      case 'DATE_DIFF': {
        const part = this.datePart();
        this.expectOp(',', 'ParseExpectedArgumentDelimiter');
        const from = this.expression();
        this.expectOp(',', 'ParseExpectedArgumentDelimiter');
        const to = this.expression();
        this.closeCall();
        return built({ kind: 'date_diff', part, from, to }, [from, to]);
      }
    }
    if (!SCALAR_FUNCTIONS.has(name)) this.fail('UnsupportedFunction', `The SQL function ${safeName(nameToken.text)} is not supported.`);
    if (this.isOp('*')) this.fail('ParseUnsupportedCallWithStar');
    const args = this.isOp(')') ? (this.next(), []) : this.argumentList();
    return built({ kind: 'call', name: name as ScalarFunctionName, args }, args);
  }

  private aggregateCall(name: AggregateName): Expr {
    if (this.isOp('*')) {
      if (name !== 'COUNT') this.fail('ParseUnsupportedCallWithStar');
      this.next();
      this.closeCall();
      return built({ kind: 'aggregate', name }, []);
    }
    if (this.isWord('DISTINCT') || this.isWord('ALL')) this.fail('ParseUnsupportedSyntax', 'DISTINCT in aggregates is not supported.');
    if (this.isOp(')')) this.fail('ParseNonUnaryAgregateFunctionCall');
    const args = this.argumentList();
    if (args.length !== 1) this.fail('ParseNonUnaryAgregateFunctionCall');
    return built({ kind: 'aggregate', name, arg: args[0] }, args);
  }

  private substringCall(): Expr {
    const value = this.expression();
    let start: Expr;
    let length: Expr | undefined;
    if (this.isWord('FROM')) {
      this.next();
      start = this.expression();
      if (this.isWord('FOR')) {
        this.next();
        length = this.expression();
      }
    } else {
      this.expectOp(',', 'ParseExpectedArgumentDelimiter');
      start = this.expression();
      if (this.isOp(',')) {
        this.next();
        length = this.expression();
      }
    }
    this.closeCall();
    return built({ kind: 'substring', value, start, length }, [value, start, length]);
  }

  private trimCall(): Expr {
    let side: TrimSide = 'BOTH';
    const word = this.peek().upper;
    if (this.peek().kind === 'ident' && (word === 'LEADING' || word === 'TRAILING' || word === 'BOTH')) {
      side = word;
      this.next();
    }
    let chars: Expr | undefined;
    let value: Expr;
    if (this.isWord('FROM')) {
      this.next();
      value = this.expression();
    } else {
      const first = this.expression();
      if (this.isWord('FROM')) {
        this.next();
        chars = first;
        value = this.expression();
      } else {
        value = first;
      }
    }
    this.closeCall();
    return built({ kind: 'trim', side, chars, value }, [chars, value]);
  }

  private datePart(): DatePart {
    const t = this.peek();
    if (t.kind !== 'ident' || !DATE_PARTS.has(t.upper)) this.fail('ParseExpectedDatePart');
    this.next();
    return t.upper as DatePart;
  }

  /** Comma-separated expressions up to and including the closing parenthesis. */
  private argumentList(): Expr[] {
    const args = [this.expression()];
    while (this.isOp(',')) {
      this.next();
      args.push(this.expression());
    }
    this.closeCall();
    return args;
  }

  private closeCall(): void {
    if (!this.isOp(')')) {
      if (this.peek().kind === 'eof') this.fail('ParseExpectedRightParenBuiltinFunctionCall');
      this.fail('ParseExpectedArgumentDelimiter');
    }
    this.next();
  }

  // ---- token helpers ----

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.at + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (this.at < this.tokens.length - 1) this.at++;
    return t;
  }

  private isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.upper === word;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === op;
  }

  private skipWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.next();
    return true;
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail('ParseExpectedKeyword', `Expected ${word} in the SQL expression.`);
    this.next();
  }

  private expectOp(op: string, code: S3ErrorCode): void {
    if (!this.isOp(op)) this.fail(code);
    this.next();
  }

  private unexpected(): never {
    const t = this.peek();
    if (t.kind === 'ident' && UNSUPPORTED_CLAUSES.has(t.upper)) this.fail('UnsupportedSqlOperation');
    return this.fail('ParseUnexpectedToken');
  }

  private fail(code: S3ErrorCode, message?: string): never {
    throw new S3Error(code, { message });
  }
}

function numberLiteral(text: string): Expr {
  if (/^\d+$/.test(text)) {
    const value = BigInt(text);
    if (value > INT64_MAX) throw new S3Error('IntegerOverflow');
    return { kind: 'int', value };
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw new S3Error('LexerInvalidLiteral', { message: 'A numeric literal is out of range.' });
  return { kind: 'float', value };
}

/** A function name echoed in a message: the lexer guarantees it is [A-Za-z0-9_], and it is capped. */
function safeName(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}
