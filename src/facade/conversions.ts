// The Docker Cloud conversions the façade uses, all owned by the model: request bodies (API
// fields or the CLI's stack-file keys) to ServiceSpecs, ServiceSpecs back to API fields, a spec
// to the stack-file form for export, and whole-spec validation. One import site, so the
// façade never grows a conversion of its own.
export { servicesFromRequest, serviceToApi, stackToStackFile } from '../model/dockercloud.ts';
export { validateStackSpec } from '../model/errors.ts';
