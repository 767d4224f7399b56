/**
 * Preferences for a Firefox (Debian `firefox-esr`) that sends nothing off the machine and
 * behaves like Chromium with the fake-media flags (test/support/chromium.ts). Written to the
 * profile's user.js, so they hold from the first instant of startup (the remote agent's own
 * "recommended preferences" are applied only once it runs). Pref names as in Firefox ESR 153's
 * modules/libpref/init/all.js and browser/app/profile/firefox.js.
 */

/** Nothing listens on the discard port: a service URL pointed here fails at once, on loopback. */
const DEAD = 'http://127.0.0.1:9';

export function firefoxPrefs(options: { readonly noProxyFor?: readonly string[] } = {}): Record<string, string | number | boolean> {
  return {
    // --- proxies: every HTTP(S)/SOCKS request that is not for the test hosts goes to a dead
    // loopback proxy, so even a service missed below cannot reach another host (the proxy
    // resolves names, so no DNS lookup happens either)
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': 9,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': 9,
    'network.proxy.socks': '127.0.0.1',
    'network.proxy.socks_port': 9,
    'network.proxy.socks_remote_dns': true,
    'network.proxy.share_proxy_settings': true,
    'network.proxy.no_proxies_on': ['localhost', '127.0.0.0/8', ...(options.noProxyFor ?? [])].join(', '),
    'network.proxy.allow_hijacking_localhost': false,
    // WebRTC's TURN/TCP would otherwise try the HTTP proxy (CONNECT) first
    'media.peerconnection.disable_http_proxy': true,
    // --- DNS: no DNS-over-HTTPS, no prefetching, no speculative connections
    'network.trr.mode': 5,
    'network.trr.uri': '',
    'network.trr.custom_uri': '',
    'doh-rollout.disable-heuristics': true,
    'doh-rollout.enabled': false,
    'network.dns.disablePrefetch': true,
    'network.dns.disablePrefetchFromHTTPS': true,
    'network.dns.native_https_query': false,
    'network.predictor.enabled': false,
    'network.predictor.enable-prefetch': false,
    'network.prefetch-next': false,
    'network.http.speculative-parallel-limit': 0,
    'browser.urlbar.speculativeConnect.enabled': false,
    'browser.places.speculativeConnect.enabled': false,
    'network.http.http3.enable': false,
    // --- connectivity and captive-portal checks
    'network.captive-portal-service.enabled': false,
    'captivedetect.canonicalURL': `${DEAD}/captive`,
    'network.connectivity-service.enabled': false,
    'network.connectivity-service.IPv4.url': `${DEAD}/ipv4`,
    'network.connectivity-service.IPv6.url': `${DEAD}/ipv6`,
    'network.manage-offline-status': false,
    'network.sntp.pools': '127.0.0.1',
    // --- telemetry and data reporting
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.archive.enabled': false,
    'toolkit.telemetry.server': DEAD,
    'toolkit.telemetry.shutdownPingSender.enabled': false,
    'toolkit.telemetry.newProfilePing.enabled': false,
    'toolkit.telemetry.firstShutdownPing.enabled': false,
    'toolkit.telemetry.updatePing.enabled': false,
    'toolkit.telemetry.bhrPing.enabled': false,
    'toolkit.coverage.endpoint.base': DEAD,
    'telemetry.fog.test.localhost_port': -1,
    'datareporting.healthreport.uploadEnabled': false,
    'datareporting.healthreport.service.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.policy.dataSubmissionPolicyBypassNotification': true,
    'datareporting.usage.uploadEnabled': false,
    'browser.ping-centre.telemetry': false,
    'browser.newtabpage.activity-stream.telemetry': false,
    'browser.newtabpage.activity-stream.feeds.telemetry': false,
    // --- Safe Browsing (list downloads and lookups)
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.blockedURIs.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.safebrowsing.downloads.remote.enabled': false,
    'browser.safebrowsing.passwords.enabled': false,
    'browser.safebrowsing.update.enabled': false,
    'browser.safebrowsing.provider.google.updateURL': DEAD,
    'browser.safebrowsing.provider.google.gethashURL': DEAD,
    'browser.safebrowsing.provider.google4.updateURL': DEAD,
    'browser.safebrowsing.provider.google4.gethashURL': DEAD,
    'browser.safebrowsing.provider.mozilla.updateURL': DEAD,
    'browser.safebrowsing.provider.mozilla.gethashURL': DEAD,
    'privacy.trackingprotection.enabled': false,
    // --- updates of the browser, add-ons, search engines, media plugins (OpenH264, Widevine)
    'app.update.disabledForTesting': true,
    'app.update.auto': false,
    'app.update.url': DEAD,
    'app.update.service.enabled': false,
    'extensions.update.enabled': false,
    'extensions.update.autoUpdateDefault': false,
    'extensions.update.url': DEAD,
    'extensions.systemAddon.update.enabled': false,
    'extensions.systemAddon.update.url': DEAD,
    'extensions.getAddons.cache.enabled': false,
    'extensions.getAddons.discovery.api_url': 'data:,',
    'extensions.blocklist.enabled': false,
    'extensions.abuseReport.enabled': false,
    'browser.discovery.enabled': false,
    'browser.search.update': false,
    'media.gmp-manager.url': DEAD,
    'media.gmp-manager.updateEnabled': false,
    'media.gmp-gmpopenh264.autoupdate': false,
    'media.gmp-gmpopenh264.enabled': false,
    'media.gmp-widevinecdm.enabled': false,
    'media.gmp-provider.enabled': false,
    // --- remote settings, Normandy/Nimbus studies, push
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    'security.remote_settings.crlite_filters.enabled': false,
    'security.remote_settings.intermediates.enabled': false,
    'security.certerrors.mitm.priming.enabled': false,
    'security.OCSP.enabled': 0,
    'app.normandy.enabled': false,
    'app.normandy.api_url': '',
    'app.shield.optoutstudies.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'dom.push.enabled': false,
    'dom.push.connection.enabled': false,
    'dom.push.serverURL': 'ws://127.0.0.1:9',
    // --- other background services that phone home
    'browser.region.update.enabled': false,
    'browser.region.network.url': '',
    'geo.enabled': false,
    'geo.provider.network.url': '',
    'identity.fxaccounts.enabled': false,
    'browser.translations.enable': false,
    'browser.ml.enable': false,
    'extensions.pocket.enabled': false,
    'browser.topsites.contile.enabled': false,
    'browser.urlbar.merino.endpointURL': '',
    'browser.urlbar.suggest.searches': false,
    'browser.newtabpage.enabled': false,
    'browser.newtabpage.activity-stream.feeds.topsites': false,
    'browser.newtabpage.activity-stream.feeds.section.topstories': false,
    'browser.newtabpage.activity-stream.default.sites': '',
    'browser.startup.page': 0,
    'browser.startup.homepage': 'about:blank',
    'startup.homepage_welcome_url': 'about:blank',
    'startup.homepage_welcome_url.additional': '',
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.shell.checkDefaultBrowser': false,
    'browser.uitour.enabled': false,
    'browser.backup.enabled': false,
    'signon.management.page.breach-alerts.enabled': false,
    'general.useragent.updates.enabled': false,
    // --- WebRTC: no mDNS names for host candidates (they cost multicast on the real interface),
    // loopback host candidates allowed (the test peers live on 127.0.0.1)
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    'media.peerconnection.ice.loopback': true,
    // --- fake media, no prompts, autoplay allowed (Chromium's fake-device and autoplay flags)
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': true,
    'media.autoplay.default': 0,
    'media.autoplay.blocking_policy': 0,
    'media.autoplay.block-webaudio': false,
    // No sound server on a headless box: without a mock audio backend (cubeb) an AudioContext
    // never leaves 'suspended' and resume() never settles, so neither capture nor playback runs
    'media.cubeb.force_mock_context': true,
  };
}

/** The prefs as a user.js file. */
export function userJs(prefs: Record<string, string | number | boolean>): string {
  return Object.entries(prefs)
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
    .join('\n');
}
