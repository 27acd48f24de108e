import dotenv from 'dotenv';

/** Reads `.env` into process.env without overriding variables that are already set. Entry points call it once. */
export function loadDotenv(): void {
  dotenv.config({ quiet: true });
}
