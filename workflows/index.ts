export { indexLogsWorkflow } from './index-logs-workflow';
