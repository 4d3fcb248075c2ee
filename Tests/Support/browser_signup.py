#!/usr/bin/python3
"""Drives headless Chromium through Gazette's signup pages, as a person would (Selenium + chromedriver).

usage:
  browser_signup.py signup URL --email E --name N --timezone ZONE --levels L1,L2 --day DAY --hour H --screenshot PNG
      opens URL (the /subscribe page), types the address and name, picks ZONE from the time zone list by its
      visible label, ticks the level boxes, picks the day (visible name, e.g. Wednesday) and hour (e.g. 07:00),
      clicks Subscribe and waits for the "check your inbox" page.
  browser_signup.py confirm URL --screenshot PNG
      opens URL (the link from the confirmation e-mail), clicks the confirm button and waits for the
      "you are subscribed" page.

Prints one JSON object: {"url", "title", "heading", "ids"} of the page the click led to (ids: every element id on
it), so the Swift test decides what is right. Exit status 1 with a message when a field, a button or the next
page is not there. Needs Debian's chromium, chromium-driver and python3-selenium (scripts/install-deps --test).
"""
import argparse
import json
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # --no-sandbox: Chromium refuses to start as root with its sandbox (CI runs as root).
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--window-size=1000,1400", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def summary(driver):
    heading = driver.find_elements(By.TAG_NAME, "h1")
    return {
        "url": driver.current_url,
        "title": driver.title,
        "heading": heading[0].text if heading else "",
        "ids": [element.get_attribute("id") for element in driver.find_elements(By.CSS_SELECTOR, "[id]")],
    }


def signup(driver, args):
    driver.get(args.url)
    driver.find_element(By.ID, "email").send_keys(args.email)
    driver.find_element(By.ID, "name").send_keys(args.name)
    # The list shows zones with spaces for underscores, as a person reads them.
    Select(driver.find_element(By.ID, "timezone")).select_by_visible_text(args.timezone.replace("_", " "))
    for level in filter(None, args.levels.split(",")):
        box = driver.find_element(By.ID, f"level-{level}")
        if not box.is_selected():
            box.click()
    Select(driver.find_element(By.ID, "send_day")).select_by_visible_text(args.day)
    Select(driver.find_element(By.ID, "send_hour")).select_by_visible_text(args.hour)
    driver.find_element(By.ID, "subscribe").click()
    WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.ID, "check-inbox")))


def confirm(driver, args):
    driver.get(args.url)
    driver.find_element(By.ID, "confirm").click()
    WebDriverWait(driver, 15).until(expected_conditions.presence_of_element_located((By.ID, "confirmed")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["signup", "confirm"])
    parser.add_argument("url")
    parser.add_argument("--email", default="")
    parser.add_argument("--name", default="")
    parser.add_argument("--timezone", default="Etc/UTC")
    parser.add_argument("--levels", default="")
    parser.add_argument("--day", default="Monday")
    parser.add_argument("--hour", default="09:00")
    parser.add_argument("--screenshot")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            (signup if args.action == "signup" else confirm)(driver, args)
            if args.screenshot:
                driver.save_screenshot(args.screenshot)
            print(json.dumps(summary(driver)))
        except WebDriverException as error:
            print(f"{args.action}: {type(error).__name__}: {error.msg} (at {driver.current_url})", file=sys.stderr)
            print(driver.page_source[:4000], file=sys.stderr)
            return 1
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
