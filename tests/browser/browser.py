"""browser: headless Debian chromium driven by Debian's chromedriver and
python3-selenium, with the flags this closed network needs."""

import atexit
import shutil
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'


def new_driver(width=1280, height=900, mobile=False):
    profile = tempfile.mkdtemp(prefix='lianxin-chromium-')
    atexit.register(shutil.rmtree, profile, True)
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync',
              '--disable-dev-shm-usage', '--lang=zh-CN', '--force-device-scale-factor=1',
              '--user-data-dir=' + profile,
              '--window-size=%d,%d' % (width, height)):
        opts.add_argument(a)
    if mobile:
        opts.add_experimental_option('mobileEmulation', {
            'deviceMetrics': {'width': width, 'height': height, 'pixelRatio': 2.0, 'touch': True}})
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    d.set_page_load_timeout(30)
    return d


def wait(d, cond, timeout=15):
    return WebDriverWait(d, timeout).until(cond)


def css(d, sel, timeout=15):
    return wait(d, EC.presence_of_element_located((By.CSS_SELECTOR, sel)), timeout)


def visible(d, sel, timeout=15):
    return wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, sel)), timeout)


def clickable(d, sel, timeout=15):
    return wait(d, EC.element_to_be_clickable((By.CSS_SELECTOR, sel)), timeout)


def text_in(d, sel, text, timeout=15):
    return wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, sel), text), timeout)


def login(d, url, username, password='lianxin-demo'):
    d.get(url + '/')
    u = visible(d, '#login-form input[name=username]')
    u.clear()
    u.send_keys(username)
    p = d.find_element(By.CSS_SELECTOR, '#login-form input[name=password]')
    p.send_keys(password)
    p.submit()
    visible(d, '#nav a')
    wait(d, lambda dr: dr.find_element(By.ID, 'page').get_attribute('data-page')
         and not dr.find_elements(By.CSS_SELECTOR, '#page > p.empty'))


def nav_pages(d):
    return [a.get_attribute('data-page') for a in d.find_elements(By.CSS_SELECTOR, '#nav a')]


def severe_logs(d):
    try:
        return [e['message'] for e in d.get_log('browser') if e['level'] == 'SEVERE']
    except Exception:   # noqa: BLE001 - logs are a diagnostic only
        return []
