import { describe, expect, it } from 'vitest'
import { firstDifference, isUnitFor, renderUnit, unitDir, unitName } from '../../src/cli/systemd-unit.js'

describe('systemd unit names and places', () => {
  it('orch.service for the default home, a name of its own for any other', () => {
    expect(unitName('/home/u/.orch', '/home/u')).toBe('orch.service')
    expect(unitName('/home/u/.orch/', '/home/u')).toBe('orch.service')
    const a = unitName('/srv/team-a', '/home/u')
    expect(a).toMatch(/^orch-team-a-[0-9a-f]{8}\.service$/)
    // the same folder name elsewhere is another unit
    expect(unitName('/opt/team-a', '/home/u')).not.toBe(a)
    expect(unitName('/srv/team-a', '/home/u')).toBe(a)
    expect(unitName('/home/other/.orch', '/home/u')).toMatch(/^orch-orch-[0-9a-f]{8}\.service$/)
    expect(unitName('/srv/wéird name!', '/home/u')).toMatch(/^orch-w-ird-name--[0-9a-f]{8}\.service$/)
  })

  it('under XDG_CONFIG_HOME when it is an absolute path, else ~/.config', () => {
    expect(unitDir({}, '/home/u')).toBe('/home/u/.config/systemd/user')
    expect(unitDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/systemd/user')
    expect(unitDir({ XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/systemd/user')
  })

  it('knows a unit it wrote for a home, and says where two differ', () => {
    const unit = renderUnit({ home: '/srv/a', node: '/usr/bin/node', bin: '/o/bin/run.js', path: '/usr/bin' })
    expect(isUnitFor(unit, '/srv/a')).toBe(true)
    expect(isUnitFor(unit, '/srv/b')).toBe(false)
    expect(isUnitFor('[Service]\nExecStart=/bin/true\n', '/srv/a')).toBe(false)
    const other = unit.replace('Environment=PATH=/usr/bin', 'Environment=PATH=/bin')
    expect(firstDifference(unit, other)).toBe("line 8: 'Environment=PATH=/bin' in the file, 'Environment=PATH=/usr/bin' from orch")
  })
})
