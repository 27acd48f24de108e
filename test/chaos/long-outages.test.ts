import { describeLongOpenSearchOutage, describeLongTemporalOutage } from '../support/long-outages';

const TEN_MINUTES = 10 * 60_000;

// Full length, with the production queue horizon (30 s × 5 deliveries = 2.5 minutes) and relay delay: not in `npm test`.
describeLongTemporalOutage(TEN_MINUTES, { SQS_VISIBILITY_TIMEOUT_SECONDS: '30', SQS_MAX_RECEIVE_COUNT: '5', OUTBOX_RELAY_MIN_AGE_MS: '5000' }, 150_000);
describeLongOpenSearchOutage(TEN_MINUTES);
