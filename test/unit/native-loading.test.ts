// The addon that is loaded is the one asked for: the cmake-js build when the
// harness sets IPVS_ADDON, else node-gyp-build's choice.
import { expect, it } from 'vitest';
import { native } from '../../lib/native';
import { expectedAddon, loadedAddons } from '../loaded-addons';

it('loads the requested build of the addon', () => {
  expect(typeof native().open).toBe('function');
  expect(loadedAddons()).toContain(expectedAddon());
});
