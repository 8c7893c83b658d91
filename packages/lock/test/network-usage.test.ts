import { describe, expect, it } from 'vitest';
import { networkUsage } from '../src/index.js';
import { usableAddresses, usageOf } from '../src/network-usage.js';

describe('overlay network address use', () => {
  it('counts usable addresses of a range', () => {
    expect(usableAddresses('10.0.1.0/24')).toBe(253);
    expect(usableAddresses('10.224.0.0/16')).toBe(65_533);
    expect(usableAddresses('10.254.254.0/30')).toBe(1);
    expect(usableAddresses('nonsense')).toBe(0);
  });

  it('counts VIPs, task endpoints and the load balancer once each (docker network inspect -v)', () => {
    const u = usageOf('proxy', {
      IPAM: { Config: [{ Subnet: '10.0.1.0/24' }] },
      Services: {
        a: { VIP: '10.0.1.2', Tasks: [{ EndpointIP: '10.0.1.3' }, { EndpointIP: '10.0.1.4' }] },
        b: { VIP: '10.0.1.5', Tasks: [] },
      },
      Containers: {
        x: { IPv4Address: '10.0.1.3/24' },
        'lb-proxy': { IPv4Address: '10.0.1.6/24' },
      },
    });
    expect(u).toEqual({
      network: 'proxy',
      subnets: ['10.0.1.0/24'],
      capacity: 253,
      used: 5,
      ratio: 5 / 253,
    });
  });

  it('is undefined for a network that cannot be inspected', async () => {
    const docker = async () => ({ exitCode: 1, stdout: '', stderr: 'No such network' });
    expect(await networkUsage(docker, 'nope')).toBeUndefined();
  });
});
