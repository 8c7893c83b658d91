// WARM_CANONICAL when the warm deploy fails (real swarm, abra double): the run keeps its own
// results and nothing of the warm instance is left. Its own bed (ci domain), so it runs beside
// the warm suite's chain of runs instead of after it.
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { stackName, warmDomain } from '@ccci/lock';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bed, createBed, runArgs } from './e2e.js';

let bed: Bed;
beforeAll(async () => {
  bed = await createBed({ screenshots: false });
  appendFileSync(
    join(bed.env['CCCI_ENROLMENT_DIR'] as string, 'data', 'recipe_meta.yml'),
    'WARM_CANONICAL: true\n',
  );
  await bed.src('data');
});
afterAll(async () => {
  // Whatever happened above, no warm stack stays (the CLI, then docker directly).
  if (bed) {
    await bed.run(['unwarm', '--recipe', 'data']);
    await execa('docker', ['stack', 'rm', stackName(warmDomain('data', bed.ciDomain))], {
      reject: false,
    });
    await bed.close();
  }
}, 180_000);

describe('WARM_CANONICAL, a warm deploy that fails (real swarm)', () => {
  it('leaves the run as it was and nothing of the warm instance', async () => {
    // The double fails only the deploy of a `-warm.` domain: the run's own deploy goes through.
    const r = await bed.run(runArgs('data', join(bed.root, 'src', 'data'), 'warmfail'), {
      ABRA_DOUBLE_FAULT: 'deploy-fail~-warm.',
    });
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('warmfail');
    expect(res.rungs['install']?.status, r.all).toBe('pass');
    expect(res.rungs['backup_restore']?.status, r.all).toBe('pass');
    expect(r.all).toMatch(/keeping warm failed, no warm instance of data is kept: .*injected/);
    const warm = warmDomain('data', bed.ciDomain);
    const services = await execa('docker', [
      ...['service', 'ls', '--filter', `label=com.docker.stack.namespace=${stackName(warm)}`],
      ...['--format', '{{.Name}}'],
    ]);
    expect(services.stdout.trim()).toBe('');
    expect(existsSync(join(bed.root, 'abra', 'ccci-warm', warm))).toBe(false);
    expect(await bed.leftovers()).toEqual([]);
  }, 400_000);
});
