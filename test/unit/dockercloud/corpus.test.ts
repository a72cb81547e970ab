// Every real stack file of the corpus (../shared/corpus/stackfiles beside the repository, see its INDEX.md):
// converted, or refused for a reason fixed here, so that a change in what converts shows up
// as a failing test rather than as a surprise.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceToApi } from '../../../src/dockercloud/api-fields.ts';
import { servicesFromRequest } from '../../../src/dockercloud/service-request.ts';
import { parseStackFile } from '../../../src/dockercloud/stackfile.ts';
import { stackToStackFile } from '../../../src/dockercloud/stackfile-keys.ts';

import { CORPUS_DIR as CORPUS } from '../../support/corpus.ts';

const INVALID = join(CORPUS, 'invalid');
const ymlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();

const NOT_IN_STACK = 'which is not a service of this stack';

/**
 * The files refused, each with its errors: [field, a part of the message]. Links to another
 * stack (`service.stack`) and to names outside the file convert: whether they exist is known
 * only in a namespace (the façade answers 400, the controller reports it in status).
 */
const REFUSED: Record<string, [string, string][]> = {
  // In file order, quoting the names as the file writes them.
  '055-ShakataGaNai-dockup.yml': [
    ['dockup.volumes_from[0]', `takes volumes from "serviceA", ${NOT_IN_STACK}`],
    ['dockup.volumes_from[1]', 'takes volumes from service "serviceB" of stack "stack1": volumes are not shared across stacks'],
  ],
  '059-murf0-pieTrackr.yml': [
    ['pieTracker.restart', '"on_failure" is not a restart policy: use no, on-failure or always (did you mean on-failure?)'],
  ],
  '060-llimllib-limbo.yml': [['limbo', 'unknown key "envorinment" (did you mean "environment"?)']],
};

/** invalid/: every file refused, with the first error (a part of it). */
const INVALID_REFUSALS: Record<string, string> = {
  '001-MitchellJThomas-medir-portal.yml': 'not valid YAML: Implicit keys need to be on a single line at line 4, column 5',
  '002-Bunk-blog.yml': 'not valid YAML: Implicit keys need to be on a single line at line 8, column 5',
  '003-ForstaLabs-forsta-message-vault.yml':
    'a stack file maps service names to services; this file is a string ("./docker-compose.yml")',
  '004-kelonye-tutum-tweed.yml': 'clusters: is a list of 1 mapping: this is not a Docker Cloud stack file',
  '005-Iteam1337-tutum-node-boilerplate.yml': 'services: is a list of 2 mappings: this is not a Docker Cloud stack file',
  '006-APSL-docker-thumbor.yml': 'version: "version:" at the top level is Compose file format 2 or later',
  '007-CaptainYarb-website.yml': 'version: "version:" at the top level is Compose file format 2 or later',
  '008-PurpleBooth-purplebooth-co-uk-v2.yml': 'not valid YAML: duplicate key "links" at line 17, column 3',
  '009-activefx-docker-rails.yml': 'not valid YAML: duplicate key "autorestart" at line 20, column 3',
  '010-Rasive-wordpress-docker.yml': 'volumes: "volumes:" at the top level is Compose file format 2 or later',
};

const files = ymlFiles(CORPUS);

describe('the 60 flat stack files', () => {
  it('are all here', () => {
    expect(files).toHaveLength(60);
    for (const name of Object.keys(REFUSED)) expect(files).toContain(name);
  });

  it('convert whole, all but the refused ones', () => {
    const converted = files.filter((f) => parseStackFile(readFileSync(join(CORPUS, f), 'utf8')).ok);
    expect(converted).toHaveLength(60 - Object.keys(REFUSED).length);
    expect(converted).toHaveLength(57);
  });

  it.each(files)('%s', (file) => {
    const result = parseStackFile(readFileSync(join(CORPUS, file), 'utf8'));
    const expected = REFUSED[file];
    if (expected !== undefined) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.map((e) => e.field)).toEqual(expected.map(([field]) => field));
      result.errors.forEach((e, i) => {
        expect(e.message).toContain(expected[i]![1]);
      });
      return;
    }
    if (!result.ok) throw new Error(result.errors.map((e) => `${e.field}: ${e.message}`).join('\n'));

    // Export and create again, as `docker-cloud stack export` then `stack create -f` would:
    // JSON on the wire, each service's key given back as its name.
    const exported = JSON.parse(JSON.stringify(stackToStackFile({ services: result.value }))) as Record<string, object>;
    const again = servicesFromRequest(Object.entries(exported).map(([name, body]) => ({ ...body, name })));
    expect(again).toEqual({ ok: true, value: result.value });

    // And through the API representation (GET, then the same fields sent back).
    const api = JSON.parse(JSON.stringify(result.value.map(serviceToApi))) as unknown;
    expect(servicesFromRequest(api)).toEqual({ ok: true, value: result.value });
  });
});

describe('invalid/: files that are not flat stack files', () => {
  const invalid = ymlFiles(INVALID);

  it('are all here', () => {
    expect(invalid).toEqual(Object.keys(INVALID_REFUSALS).sort());
  });

  it.each(invalid)('%s is refused with a clear message', (file) => {
    const result = parseStackFile(readFileSync(join(INVALID, file), 'utf8'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const first = result.errors[0]!;
    expect(first.field === '' ? first.message : `${first.field}: ${first.message}`).toContain(INVALID_REFUSALS[file]);
  });

  it("says of another tool's format only that it is one, not what its keys would mean as services", () => {
    const result = parseStackFile(readFileSync(join(INVALID, '005-Iteam1337-tutum-node-boilerplate.yml'), 'utf8'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['services']);
  });
});
