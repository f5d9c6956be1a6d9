import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../src/internal/redact.js';

describe('redactUrl', () => {
  it.each([
    ['http://admin:s3cret@jm:8081/v1/overview', 'http://***@jm:8081/v1/overview'],
    ['https://token@gateway/flink/', 'https://***@gateway/flink/'],
    ['/v1/jobs?token=abc', '/v1/jobs?token=***'],
    ['/v1/jobs?mode=cancel&access_token=abc&x=1', '/v1/jobs?mode=cancel&access_token=***&x=1'],
    ['/v1/jobs?api_key=abc', '/v1/jobs?api_key=***'],
    ['/v1/jobs?api-key=abc', '/v1/jobs?api-key=***'],
    ['/v1/jobs?apikey=abc', '/v1/jobs?apikey=***'],
    ['/v1/jobs?password=abc#x', '/v1/jobs?password=***#x'],
    ['/v1/jobs?SECRET=abc', '/v1/jobs?SECRET=***'],
    ['/v1/jobs?sig=abc&signature=def', '/v1/jobs?sig=***&signature=***'],
  ])('%s -> %s', (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });

  it('leaves URLs without secrets alone', () => {
    const url = 'http://jm:8081/v1/jobs/0123456789abcdef0123456789abcdef?mode=cancel&maxExceptions=5';
    expect(redactUrl(url)).toBe(url);
  });
});
