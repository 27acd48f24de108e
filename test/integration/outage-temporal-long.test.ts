import { describeLongTemporalOutage, SHORT_DEAD_LETTER_HORIZON_MS, SHORT_QUEUE_HORIZON } from '../support/long-outages';

// 3 × the shortened 30 s dead-letter horizon; the 10-minute run is test/chaos/long-outages.test.ts.
// The relay re-publishes unstarted tasks after a minute, not every 2 s as elsewhere in `npm test`:
// a flood of fresh copies would crowd the original messages out of each receive, so that none
// reached its maxReceiveCount within the outage and the horizon would not be tested.
describeLongTemporalOutage(3 * SHORT_DEAD_LETTER_HORIZON_MS, { ...SHORT_QUEUE_HORIZON, OUTBOX_RELAY_MIN_AGE_MS: '60000' }, SHORT_DEAD_LETTER_HORIZON_MS);
