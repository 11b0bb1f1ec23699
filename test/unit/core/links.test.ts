import { createLinks } from '../../../functions/core/links';

describe('createLinks', () => {
  it('builds absolute links without doubled slashes from a base with trailing slashes', () => {
    const links = createLinks('https://paperboy.example//');

    expect(links.home()).toBe('https://paperboy.example/');
    expect(links.confirm('abc')).toBe('https://paperboy.example/confirm?token=abc');
    expect(links.manage('abc')).toBe('https://paperboy.example/preferences?token=abc');
    expect(links.unsubscribe('abc')).toBe('https://paperboy.example/unsubscribe?token=abc');
  });

  it('encodes the token so it survives as one query parameter', () => {
    const url = new URL(createLinks('https://paperboy.example').manage('a+b/c=d&e'));

    expect(url.searchParams.get('token')).toBe('a+b/c=d&e');
  });
});
