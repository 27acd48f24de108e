import { describeLongTemporalOutage, SHORT_DEAD_LETTER_HORIZON_MS, SHORT_QUEUE_HORIZON } from '../support/long-outages';

// 3 × the shortened 30 s dead-letter horizon; the 10-minute run is test/chaos/long-outages.test.ts.
describeLongTemporalOutage(3 * SHORT_DEAD_LETTER_HORIZON_MS, SHORT_QUEUE_HORIZON, SHORT_DEAD_LETTER_HORIZON_MS);
