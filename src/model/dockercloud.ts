// Docker Cloud's service representations and the Stack spec, one import for the façade:
// requests in either shape (API fields or stack-file keys), GET responses, and export.
export { serviceToApi } from './api-fields.ts';
export { convertServices, issueField, type ServiceIssue, servicesFromRequest } from './service-request.ts';
export { serviceToStackFile, stackToStackFile, UNSUPPORTED_KEYS } from './stackfile-keys.ts';
