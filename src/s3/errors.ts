/**
 * The one S3 error table. Every S3-visible failure anywhere in cairn is an
 * `S3Error` carrying a code from this table; only the front door's error hook
 * turns it into XML. Status codes and messages follow AWS S3's documentation.
 */
export const S3_ERRORS = {
  AccessControlListNotSupported: [400, 'The bucket does not allow ACLs.'],
  AccessDenied: [403, 'Access Denied'],
  AuthorizationHeaderMalformed: [400, 'The authorization header is malformed.'],
  AuthorizationQueryParametersError: [400, 'Error parsing the X-Amz-Credential parameter.'],
  /** AWS's code for a tag set over its count limit ("Object tags cannot be greater than 10"). */
  BadRequest: [400, 'Bad Request'],
  BadDigest: [400, 'The Content-MD5 or checksum you specified did not match what was received.'],
  BucketAlreadyExists: [409, 'The requested bucket name is not available.'],
  BucketAlreadyOwnedByYou: [409, 'Your previous request to create the named bucket succeeded and you already own it.'],
  BucketNotEmpty: [409, 'The bucket you tried to delete is not empty.'],
  ConditionalRequestConflict: [409, 'A conflicting operation occurred. Retry the request.'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed object size.'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  ExpiredToken: [400, 'The provided token has expired.'],
  IllegalLocationConstraintException: [400, 'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  InvalidAccessKeyId: [403, 'The AWS access key ID you provided does not exist in our records.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidBucketName: [400, 'The specified bucket is not valid.'],
  InvalidBucketState: [409, 'The request is not valid with the current state of the bucket.'],
  InvalidDigest: [400, 'The Content-MD5 or checksum you specified is not valid.'],
  InvalidLocationConstraint: [400, 'The specified location constraint is not valid.'],
  InvalidObjectState: [403, 'The operation is not valid for the current state of the object.'],
  InvalidPart: [400, 'One or more of the specified parts could not be found.'],
  InvalidPartNumber: [416, 'The requested partnumber is not satisfiable'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InvalidRequest: [400, 'Invalid Request'],
  InvalidStorageClass: [400, 'The storage class you specified is not valid.'],
  InvalidURI: [400, 'Couldn\'t parse the specified URI.'],
  InvalidTag: [400, 'The tag provided was not a valid tag.'],
  KeyTooLongError: [400, 'Your key is too long.'],
  MalformedACLError: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MaxMessageLengthExceeded: [400, 'Your request was too big.'],
  MetadataTooLarge: [400, 'Your metadata headers exceed the maximum allowed metadata size.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  MissingSecurityHeader: [400, 'Your request is missing a required header.'],
  NoSuchBucket: [404, 'The specified bucket does not exist.'],
  NoSuchBucketPolicy: [404, 'The bucket policy does not exist.'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchTagSet: [404, 'The TagSet does not exist.'],
  NoSuchUpload: [404, 'The specified multipart upload does not exist.'],
  NoSuchVersion: [404, 'The specified version does not exist.'],
  NotImplemented: [501, 'A header you provided implies functionality that is not implemented.'],
  NotModified: [304, 'Not Modified'],
  PreconditionFailed: [412, 'At least one of the preconditions you specified did not hold.'],
  RequestTimeout: [400, 'Your socket connection to the server was not read from or written to within the timeout period.'],
  RequestTimeTooSkewed: [403, 'The difference between the request time and the server\'s time is too large.'],
  ServiceUnavailable: [503, 'Please reduce your request rate.'],
  SignatureDoesNotMatch: [403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
  SlowDown: [503, 'Please reduce your request rate.'],
  UnexpectedContent: [400, 'This request does not support content.'],
  NoSuchCORSConfiguration: [404, 'The CORS configuration does not exist.'],
  NoSuchLifecycleConfiguration: [404, 'The lifecycle configuration does not exist.'],
  NoSuchWebsiteConfiguration: [404, 'The specified bucket does not have a website configuration.'],
  NoSuchPublicAccessBlockConfiguration: [404, 'The public access block configuration was not found.'],
  ObjectLockConfigurationNotFoundError: [404, 'Object Lock configuration does not exist for this bucket.'],
  OwnershipControlsNotFoundError: [404, 'The bucket ownership controls were not found.'],
  ReplicationConfigurationNotFoundError: [404, 'The replication configuration was not found.'],
  ServerSideEncryptionConfigurationNotFoundError: [404, 'The server side encryption configuration was not found.'],
  XAmzContentSHA256Mismatch: [400, "The provided 'x-amz-content-sha256' header does not match what was computed."],
  // S3 Select (SelectObjectContent): codes from AWS's "List of SELECT Object Content Error
  // Codes". All are 400 but BusyResources (503) and UnauthorizedAccess (401).
  Base64ParseFailure: [400, 'The Base64 string in the SQL expression could not be parsed.'],
  BusyResources: [503, 'Failed to compile the query: the service is busy. Please retry.'],
  CastFailed: [400, 'Attempt to convert from one data type to another using CAST failed in the SQL expression.'],
  ColumnTooLong: [400, 'The length of a column in the result is greater than maxCharsPerColumn of 1 MB.'],
  CSVParsingError: [400, 'Encountered an error parsing the CSV file. Check the file and try again.'],
  EmptyRequestBody: [400, 'Request body cannot be empty.'],
  EvaluatorBindingDoesNotExist: [400, 'A column name or a path provided does not exist in the SQL expression.'],
  EvaluatorInvalidArguments: [400, 'Incorrect number of arguments in the function call in the SQL expression.'],
  ExpressionTooLong: [400, 'The SQL expression is too long: The maximum byte-length for the SQL expression is 256 KB.'],
  IllegalSqlFunctionArgument: [400, 'Illegal argument was used in the SQL function.'],
  IncorrectSqlFunctionArgumentType: [400, 'Incorrect type of arguments in function call in the SQL expression.'],
  IntegerOverflow: [400, 'Int overflow or underflow in the SQL expression.'],
  InvalidColumnIndex: [400, 'The column index is invalid. Please check the service documentation and try again.'],
  InvalidCompressionFormat: [400, 'The file is not in a supported compression format. Only GZIP and BZIP2 are supported.'],
  InvalidDataSource: [400, 'Invalid data source type. Only CSV, JSON, and Parquet are supported.'],
  InvalidExpressionType: [400, 'The ExpressionType is invalid. Only SQL expressions are supported.'],
  InvalidFileHeaderInfo: [400, 'The FileHeaderInfo is invalid. Only NONE, USE, and IGNORE are supported.'],
  InvalidJsonType: [400, 'The JsonType is invalid. Only DOCUMENT and LINES are supported.'],
  InvalidKeyPath: [400, 'Key path in the SQL expression is invalid.'],
  InvalidQuoteFields: [400, 'The QuoteFields is invalid. Only ALWAYS and ASNEEDED are supported.'],
  InvalidRequestParameter: [400, 'The value of a parameter in SelectRequest element is invalid. Check the service API documentation and try again.'],
  InvalidScanRange: [400, 'The provided scan range is invalid.'],
  InvalidTableAlias: [400, 'The SQL expression contains an invalid table alias.'],
  JSONParsingError: [400, 'Encountered an error parsing the JSON file. Check the file and try again.'],
  LexerInvalidChar: [400, 'The SQL expression contains an invalid character.'],
  LexerInvalidLiteral: [400, 'The SQL expression contains an invalid literal.'],
  LexerInvalidOperator: [400, 'The SQL expression contains an invalid operator.'],
  LikeInvalidInputs: [400, 'Invalid argument given to the LIKE clause in the SQL expression.'],
  MissingHeaders: [400, 'Some headers in the query are missing from the file. Check the file and try again.'],
  MissingRequiredParameter: [400, 'The SelectRequest entity is missing a required parameter. Check the service documentation and try again.'],
  MultipleDataSourcesUnsupported: [400, 'Multiple data sources are not supported.'],
  ObjectSerializationConflict: [400, 'The SelectRequest entity can only contain one of CSV, JSON, or Parquet. Check the service documentation and try again.'],
  OverMaxColumn: [400, 'The number of columns in the result is greater than the maximum allowable number of columns.'],
  OverMaxRecordSize: [400, 'The length of a record in the input or result is greater than maxCharsPerRecord of 1 MB.'],
  ParquetParsingError: [400, 'Encountered an error parsing the Parquet file. Check the file and try again.'],
  ParseAsteriskIsNotAloneInSelectList: [400, "Other expressions are not allowed in the SELECT list when '*' is used without dot notation in the SQL expression."],
  ParseCannotMixSqbAndWildcardInSelectList: [400, 'Cannot mix [] and * in the same expression in a SELECT list in SQL expression.'],
  ParseCastArity: [400, 'The SQL expression CAST has incorrect arity.'],
  ParseEmptySelect: [400, 'The SQL expression contains an empty SELECT.'],
  ParseExpectedArgumentDelimiter: [400, 'Did not find the expected argument delimiter in the SQL expression.'],
  ParseExpectedDatePart: [400, 'Did not find the expected date part in the SQL expression.'],
  ParseExpectedExpression: [400, 'Did not find the expected SQL expression.'],
  ParseExpectedIdentForAlias: [400, 'Did not find the expected identifier for the alias in the SQL expression.'],
  ParseExpectedKeyword: [400, 'Did not find the expected keyword in the SQL expression.'],
  ParseExpectedLeftParenAfterCast: [400, 'Did not find the expected left parenthesis after CAST in the SQL expression.'],
  ParseExpectedLeftParenBuiltinFunctionCall: [400, 'Did not find the expected left parenthesis in the SQL expression.'],
  ParseExpectedNumber: [400, 'Did not find the expected number in the SQL expression.'],
  ParseExpectedRightParenBuiltinFunctionCall: [400, 'Did not find the expected right parenthesis character in the SQL expression.'],
  ParseExpectedTokenType: [400, 'Did not find the expected token in the SQL expression.'],
  ParseExpectedTypeName: [400, 'Did not find the expected type name in the SQL expression.'],
  ParseInvalidContextForWildcardInSelectList: [400, 'Invalid use of * in SELECT list in the SQL expression.'],
  ParseInvalidTypeParam: [400, 'The SQL expression contains an invalid parameter value.'],
  ParseMissingIdentAfterAt: [400, 'Did not find the expected identifier after the @ symbol in the SQL expression.'],
  ParseNonUnaryAgregateFunctionCall: [400, 'Only one argument is supported for aggregate functions in the SQL expression.'],
  ParseSelectMissingFrom: [400, 'The SQL expression contains a missing FROM after SELECT list.'],
  ParseUnexpectedOperator: [400, 'The SQL expression contains an unexpected operator.'],
  ParseUnexpectedToken: [400, 'The SQL expression contains an unexpected token.'],
  ParseUnknownOperator: [400, 'The SQL expression contains an invalid operator.'],
  ParseUnsupportedCallWithStar: [400, 'Only COUNT with (*) as a parameter is supported in the SQL expression.'],
  ParseUnsupportedSyntax: [400, 'The SQL expression contains unsupported syntax.'],
  TruncatedInput: [400, 'Object decompression failed. Check that the object is properly compressed using the format specified in the request.'],
  UnauthorizedAccess: [401, 'You are not authorized to perform this operation.'],
  UnrecognizedFormatException: [400, 'We encountered a record type that is not valid.'],
  UnsupportedFunction: [400, 'Encountered an unsupported SQL function.'],
  UnsupportedRangeHeader: [400, 'Range header is not supported for this operation.'],
  UnsupportedSqlOperation: [400, 'Encountered an unsupported SQL operation.'],
  UnsupportedSqlStructure: [400, 'Encountered an unsupported SQL structure. Check the SQL Reference.'],
  UnsupportedStorageClass: [400, 'Encountered an invalid storage class. Only STANDARD, STANDARD_IA, and ONEZONE_IA storage classes are supported.'],
  UnsupportedSyntax: [400, 'Encountered invalid syntax.'],
  UnsupportedTypeForQuerying: [400, 'Encountered an unsupported type for querying.'],
  ValueParseFailure: [400, 'Time stamp parse failure in the SQL expression.'],
  // End of S3 Select codes.
  // S3 Select runtime (SelectObjectContent request checks).
  UnsupportedScanRangeInput: [400, 'Scan range queries are not supported on this type of object.'],
  // End of S3 Select runtime codes.
  /** cairn-specific: a key that the backend cannot hold next to an existing key (see ARCHITECTURE.md). */
  XCairnKeyConflict: [409, 'The key conflicts with an existing object or prefix on this backend.'],
} as const satisfies Record<string, readonly [number, string]>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export interface S3ErrorOptions {
  /** Overrides the table's message with something more specific. */
  message?: string;
  /** Resource named in the XML body (defaults to the request path). */
  resource?: string;
  /** Extra XML elements AWS includes for some codes (e.g. ArgumentName, RequestTime). */
  extra?: Record<string, string>;
  /** Extra response headers (e.g. Last-Modified on 304, x-amz-delete-marker). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  readonly resource?: string;
  readonly extra: Record<string, string>;
  readonly headers: Record<string, string>;

  constructor(code: S3ErrorCode, options: S3ErrorOptions = {}) {
    const [status, defaultMessage] = S3_ERRORS[code];
    super(options.message ?? defaultMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'S3Error';
    this.code = code;
    this.status = status;
    this.resource = options.resource;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

export function isS3Error(err: unknown): err is S3Error {
  return err instanceof S3Error;
}

/** Shorthand for `new S3Error(...)` where an expression is wanted. */
export function s3err(code: S3ErrorCode, message?: string, extra?: Record<string, string>): S3Error {
  return new S3Error(code, { message, extra });
}
