import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, hostsOfRule, routesOfService, startGateway } from '../src/index.js';
import { viaGateway } from './http.js';

type ServiceInfo = Parameters<typeof routesOfService>[0];

/** The routes of swarm service `name` with traefik `labels`, publishing `ports`. */
const routesOf = (
  name: string,
  labels: Record<string, string>,
  ports: NonNullable<NonNullable<ServiceInfo['Endpoint']>['Ports']>,
) => routesOfService({ Spec: { Name: name, Labels: labels }, Endpoint: { Ports: ports } });

describe('traefik labels → routes', () => {
  it('reads hosts from Host rules in their traefik forms', () => {
    expect(hostsOfRule('Host(`a.localhost`)')).toEqual(['a.localhost']);
    expect(hostsOfRule('Host(`a.x`, `B.x`)')).toEqual(['a.x', 'b.x']);
    expect(hostsOfRule('Host(`a.x`) || Host(`b.x`)')).toEqual(['a.x', 'b.x']);
    expect(hostsOfRule('PathPrefix(`/api`)')).toEqual([]);
  });

  it('maps a router to the host-mode published port of its loadbalancer port', () => {
    const routes = routesOf(
      'web-abc_t_localhost_app',
      {
        'traefik.enable': 'true',
        'traefik.http.routers.web-abc_t_localhost.rule': 'Host(`web-abc.t.localhost`)',
        'traefik.http.services.web-abc_t_localhost.loadbalancer.server.port': '8080',
      },
      [
        { TargetPort: 9000, PublishedPort: 39000, PublishMode: 'host' },
        { TargetPort: 8080, PublishedPort: 38080, PublishMode: 'host' },
      ],
    );
    expect(routes).toEqual([
      { host: 'web-abc.t.localhost', service: 'web-abc_t_localhost_app', port: 38080 },
    ]);
  });

  it('ignores services without a host-mode published port (ingress does not work here)', () => {
    const routes = routesOf(
      's',
      {
        'traefik.http.routers.r.rule': 'Host(`x`)',
        'traefik.http.services.r.loadbalancer.server.port': '80',
      },
      [{ TargetPort: 80, PublishedPort: 30080, PublishMode: 'ingress' }],
    );
    expect(routes).toEqual([]);
  });
});

describe('startGateway', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('listens on loopback and answers an unknown host with traefik’s fallback 404', async () => {
    expect(gw.url).toBe(`http://127.0.0.1:${gw.port}`);
    const r = await viaGateway(gw.port, 'nobody-here.invalid.localhost', '/');
    expect(r.status).toBe(404);
    expect(r.body).toBe('404 page not found\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('rejects bad options with a TypeError naming the option', async () => {
    await expect(startGateway({ port: -1 })).rejects.toThrow(/option port/);
    await expect(startGateway({ host: '' })).rejects.toThrow(/option host/);
  });
});
