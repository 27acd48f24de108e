import { expect } from 'chai';
import { assertDelivered } from './delivery-check';
import { assertRetained } from './retention-check';
import { SERVICES } from './service-processes';
import { killsOutsideLoad, type SoakReport } from './soak-report';

/** What every soak, whatever its size, must show: delivery, kills inside the load, faults injected, retention exact. */
export function assertSoakHeld(report: SoakReport): void {
  const { options } = report;
  assertDelivered(report.figures, options.events);
  expect(report.drained, 'the pipeline drained before the deadline').to.equal(true);
  expect(report.unexpectedExits.map((exit) => `${exit.service} ${exit.how}: ${exit.tail}`)).to.deep.equal([]);
  for (const service of SERVICES) expect(report.killsPerProcess[service], `SIGKILLs of the ${service}`).to.equal(options.killsPerProcess);
  expect(report.kills, 'kills made').to.have.length(options.killsPerProcess * SERVICES.length);
  expect(killsOutsideLoad(report), 'kills that did not land while the load ran').to.deep.equal([]);
  if (options.sqsSendFaultRate > 0) expect(report.sqsSends.faulted, 'SQS sends faulted').to.be.greaterThan(0);
  if (options.opensearchFaultRate > 0) expect(report.opensearchRequests.faulted, 'OpenSearch requests faulted').to.be.greaterThan(0);
  if (options.opensearchOutages > 0) expect(report.outages.length, 'OpenSearch outage windows opened during the load').to.be.greaterThan(0);
  expect(report.figures.tasksByStatus).to.have.all.keys('succeeded');
  if (report.retentionFigures) {
    assertRetained(report.retentionFigures);
    expect(report.retention.sweeps.filter((sweep) => sweep.error).map((sweep) => sweep.error), 'failed sweeps').to.deep.equal([]);
  }
}
