import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { asGraphQLShapedRefusal, rateLimitKey } from './http-hardening.js';

const request = (authorization: string | undefined, ip = '203.0.113.7') => ({
  headers: authorization === undefined ? {} : { authorization },
  ip,
});

describe('the rate limit key', () => {
  it('is the bearer token, hashed, wherever the request comes from', () => {
    const key = rateLimitKey(request('Bearer suivi_abc_secret', '203.0.113.7'));
    expect(key).toMatch(/^token:[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('secret');
    expect(rateLimitKey(request('bearer   suivi_abc_secret ', '198.51.100.1'))).toBe(key);
    expect(rateLimitKey(request('Bearer suivi_abc_other'))).not.toBe(key);
  });

  it('is the client address without a bearer token', () => {
    expect(rateLimitKey(request(undefined))).toBe('ip:203.0.113.7');
    expect(rateLimitKey(request('Basic YWRtaW46YWRtaW4='))).toBe('ip:203.0.113.7');
    expect(rateLimitKey(request('Bearer '))).toBe('ip:203.0.113.7');
  });

  it('counts an IPv6 client by its /64, and a mapped IPv4 address as the IPv4 one', () => {
    expect(rateLimitKey(request(undefined, '2001:db8:1:2:aaaa::1'))).toBe(rateLimitKey(request(undefined, '2001:db8:1:2:bbbb::2')));
    expect(rateLimitKey(request(undefined, '2001:db8:1:2::1'))).not.toBe(rateLimitKey(request(undefined, '2001:db8:1:3::1')));
    expect(rateLimitKey(request(undefined, '::ffff:203.0.113.7'))).toBe('ip:203.0.113.7');
  });
});

describe('HTTP refusals shaped like GraphQL errors', () => {
  const fastifyRequest = { routeOptions: { bodyLimit: 2048 } } as unknown as FastifyRequest;

  it('names the body limit of a 413', () => {
    const shaped = asGraphQLShapedRefusal(new HttpException('Request body is too large', 413), fastifyRequest);
    expect(shaped).toBeInstanceOf(HttpException);
    expect((shaped as HttpException).getStatus()).toBe(413);
    expect((shaped as HttpException).getResponse()).toEqual({
      errors: [{ message: 'request body too large: the limit is 2048 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 2048 } }],
    });
  });

  it('leaves every other error as it is', () => {
    const notFound = new HttpException('Cannot GET /nothing', 404);
    const failure = new Error('boom');
    expect(asGraphQLShapedRefusal(notFound, fastifyRequest)).toBe(notFound);
    expect(asGraphQLShapedRefusal(failure, fastifyRequest)).toBe(failure);
  });
});
