import { describeLongOpenSearchOutage, OLD_INDEX_RETRY_BUDGET_MS } from '../support/long-outages';

// 3 × the ~91 s after which index runs used to give up; the 10-minute run is test/chaos/long-outages.test.ts.
describeLongOpenSearchOutage(3 * OLD_INDEX_RETRY_BUDGET_MS);
