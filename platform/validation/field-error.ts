export interface FieldError {
  /** JSON Pointer into the request (body or query), e.g. `/logs/17/severity`. */
  path: string;
  message: string;
}
