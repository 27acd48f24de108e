import { describeLongOpenSearchOutage, describeLongTemporalOutage } from '../support/long-outages';

const TEN_MINUTES = 10 * 60_000;

// Full length, with the queues' production horizon (30 s × 5 deliveries = 2.5 minutes): not in `npm test`.
describeLongTemporalOutage(TEN_MINUTES, { SQS_VISIBILITY_TIMEOUT_SECONDS: '30', SQS_MAX_RECEIVE_COUNT: '5' }, 150_000);
describeLongOpenSearchOutage(TEN_MINUTES);
