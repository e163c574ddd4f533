/** Tokens of the S3 Select SQL dialect, as the lexer produces them. */

export type TokenKind =
  | 'ident' // bare identifier or keyword; `upper` holds its upper-case form
  | 'quoted' // "double-quoted identifier", quotes removed and "" undoubled
  | 'string' // 'string literal', quotes removed and '' undoubled
  | 'number' // numeric literal text, digits/point/exponent only
  | 'ion' // `backtick literal` (a timestamp), backticks removed
  | 'op' // operator or punctuation: = != <> < <= > >= + - * / % || ( ) , . [ ] ;
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  upper: string;
  /** Offset of the token's first character in the expression. */
  pos: number;
}

/** Words that cannot be bare column names: they steer the grammar. */
export const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'AS', 'AND', 'OR', 'NOT', 'LIKE', 'ESCAPE', 'BETWEEN', 'IN', 'IS',
  'NULL', 'MISSING', 'TRUE', 'FALSE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'LIMIT',
  'GROUP', 'ORDER', 'BY', 'HAVING', 'JOIN', 'UNION', 'INTERSECT', 'EXCEPT', 'OFFSET', 'DISTINCT',
  'ALL', 'ON', 'INNER', 'LEFT', 'RIGHT', 'OUTER', 'CROSS', 'WITH', 'VALUES',
]);
