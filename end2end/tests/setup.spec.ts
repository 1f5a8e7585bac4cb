import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { test, expect, noHorizontalScroll } from "./fixtures";

// A server started on an empty database (the second server of playwright.config.ts) has
// no ward: every page leads to the set-up page, which only the link the server printed
// at start opens. The desktop run sets the ward up; there is one ward to set up.

const site = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 1}`;

/** The one-time link the server printed when it started. */
function setupLink(): string {
  const log = readFileSync("../target/e2e-setup/server.log", "utf8");
  const link = /http:\/\/\S+\/setup\?token=[0-9a-f]{64}/.exec(log)?.[0];
  expect(link, log).toBeTruthy();
  return link!;
}

test("a new ward is set up in the browser, once, and its committee is signed in", async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name !== "desktop", "one ward to set up: the desktop run sets it up");
  test.setTimeout(150_000);
  // Before the set-up, every page leads to the set-up page, which asks for the link.
  await page.goto(`${site}/cells`);
  await expect(page).toHaveURL(`${site}/setup`);
  await expect(page.getByRole("heading", { level: 1, name: "Cần đường dẫn thiết lập" })).toBeVisible();
  await expect(page.locator("input[type=password]")).toHaveCount(0);

  await page.goto(setupLink());
  await expect(page.getByRole("heading", { level: 1, name: "Thiết lập đơn vị" })).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  await page.getByLabel("Tỉnh, thành phố", { exact: true }).fill("Thành phố Hà Nội");
  await page.locator("input[name='form[province_code]']").fill("HN");
  await page.getByLabel("Loại đơn vị").selectOption({ label: "xã" });
  await page.getByLabel("Tên xã, phường").fill("Thanh Trì");
  await page.locator("input[name='form[ward_code]']").fill("HN-TT");
  await page.getByLabel("Tên đăng nhập").fill("danguy.thanhtri");
  await page.getByLabel("Mật khẩu", { exact: true }).fill("cay-bang-truoc-ngo");
  await page.getByLabel("Nhập lại mật khẩu").fill("cay-bang-truoc-nha");
  await page.getByRole("button", { name: "Thiết lập và đăng nhập" }).click();

  // Refused: the reason, and everything but the passwords still filled in.
  await expect(page.getByRole("alert")).toHaveText("Mật khẩu: hai lần nhập không giống nhau.");
  await expect(page.getByLabel("Tên xã, phường")).toHaveValue("Thanh Trì");
  await expect(page.getByLabel("Loại đơn vị")).toHaveValue("xa");
  await expect(page.getByLabel("Mật khẩu", { exact: true })).toHaveValue("");
  await page.getByLabel("Mật khẩu", { exact: true }).fill("cay-bang-truoc-ngo");
  await page.getByLabel("Nhập lại mật khẩu").fill("cay-bang-truoc-ngo");
  await page.getByRole("button", { name: "Thiết lập và đăng nhập" }).click();

  // Set up and signed in: the committee's start page, named after the office.
  await expect(page).toHaveURL(`${site}/cells`);
  await expect(page.getByText("Văn phòng Đảng ủy xã Thanh Trì")).toBeVisible();

  // The link no longer opens the form.
  await page.goto(setupLink());
  await expect(page.getByRole("heading", { level: 1, name: "Đơn vị đã được thiết lập" })).toBeVisible();
  await expect(page.locator("input[type=password]")).toHaveCount(0);

  // The committee chooses a password of its own: a wrong current one is refused, then the
  // change holds, and the old password no longer signs in.
  await page.goto(`${site}/cells`);
  await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Tài khoản của tôi" }).click();
  await expect(page).toHaveURL(`${site}/account`);
  await expect(page.getByText("danguy.thanhtri", { exact: true })).toBeVisible();
  const change = async (current: string, fresh: string) => {
    await page.getByLabel("Mật khẩu đang dùng").fill(current);
    await page.getByLabel("Mật khẩu mới", { exact: true }).fill(fresh);
    await page.getByLabel("Nhập lại mật khẩu mới").fill(fresh);
    await page.getByRole("button", { name: "Đổi mật khẩu" }).click();
  };
  await change("khong-phai-mat-khau", "hoa-sua-mua-thu");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Mật khẩu đang dùng: không đúng.");
  await change("cay-bang-truoc-ngo", "hoa-sua-mua-thu");
  await expect(page.getByRole("main").getByRole("status")).toHaveText("Đã đổi mật khẩu. Tài khoản đã được đăng xuất trên các máy khác.");

  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page).toHaveURL(/\/login/);
  const signIn = async (password: string) => {
    await page.goto(`${site}/login`);
    await page.getByLabel("Tên đăng nhập").fill("danguy.thanhtri");
    await page.getByLabel("Mật khẩu").fill(password);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
  };
  await signIn("cay-bang-truoc-ngo");
  await expect(page).toHaveURL(/\/login/);
  await signIn("hoa-sua-mua-thu");
  await expect(page).toHaveURL(`${site}/cells`);

  // The committee builds its ward's tree: a cell, a party group in it, a rename.
  await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Tổ chức" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chi bộ và tổ đảng" })).toBeVisible();
  await expect(page.getByText("Chưa có chi bộ nào.")).toBeVisible();
  const add = page.getByRole("region", { name: "Thêm chi bộ" });
  const addCell = async (name: string, code: string) => {
    await add.getByLabel("Tên đơn vị").fill(name);
    await add.getByLabel("Mã đơn vị").fill(code);
    await add.getByRole("button", { name: "Thêm chi bộ" }).click();
  };
  await addCell("Chi bộ Thôn Đông", "tt-dong");
  const cell = page.getByRole("region", { name: "Chi bộ Thôn Đông" });
  await expect(cell.getByText("TT-DONG", { exact: true })).toBeVisible();
  await expect(cell.getByText("Chi bộ chưa chia tổ đảng.")).toBeVisible();
  // A code the ward already holds is refused by name, and nothing is added.
  await addCell("Chi bộ Thôn Tây", "HN-TT");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Mã đơn vị: đã có người dùng, hãy chọn cái khác.");
  await expect(page.getByRole("region", { name: "Chi bộ Thôn Tây" })).toHaveCount(0);

  await cell.getByText("Thêm tổ đảng", { exact: true }).first().click();
  const addGroup = cell.getByRole("form", { name: "Thêm tổ đảng – Chi bộ Thôn Đông" });
  await addGroup.getByLabel("Tên đơn vị").fill("Tổ đảng số 1");
  await addGroup.getByLabel("Mã đơn vị").fill("TT-DONG-1");
  await addGroup.getByRole("button", { name: "Thêm tổ đảng" }).click();
  await expect(cell.getByRole("listitem").filter({ hasText: "Tổ đảng số 1" })).toContainText("0 đảng viên");

  await cell.getByText("Sửa tên, mã chi bộ").click();
  const rename = cell.getByRole("form", { name: "Sửa tên, mã chi bộ" });
  await rename.getByLabel("Tên đơn vị").fill("Chi bộ Thôn Đông Hạ");
  await rename.getByRole("button", { name: "Lưu" }).click();
  const renamed = page.getByRole("region", { name: "Chi bộ Thôn Đông Hạ" });
  await expect(renamed.getByText("TT-DONG", { exact: true })).toBeVisible();
  await expect(renamed.getByRole("listitem").filter({ hasText: "Tổ đảng số 1" })).toBeVisible();

  // The new cell is the committee's to open from its list of cells.
  await page.goto(`${site}/cells`);
  await expect(page.getByRole("link", { name: "Chi bộ Thôn Đông Hạ" })).toBeVisible();

  // The committee gives the new cell its secretary: an account with a one-time code.
  await page.getByRole("navigation", { name: "Điều hướng chính" }).getByRole("link", { name: "Tài khoản đăng nhập" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tài khoản đăng nhập" })).toBeVisible();
  const create = page.getByRole("region", { name: "Tạo tài khoản" });
  const makeAccount = async (username: string) => {
    await create.getByLabel("Họ và tên").fill("Nguyễn Thị Hoa");
    await create.getByLabel("Tên đăng nhập").fill(username);
    await create.getByLabel("Vai trò").selectOption({ label: "Bí thư chi bộ" });
    await create.getByLabel("Đơn vị").selectOption({ label: "Chi bộ Thôn Đông Hạ" });
    await create.getByRole("button", { name: "Tạo tài khoản" }).click();
  };
  // A username someone holds is refused by name.
  await makeAccount("danguy.thanhtri");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Tên đăng nhập: đã có người dùng, hãy chọn cái khác.");
  await makeAccount("");
  const made = page.getByRole("main").getByRole("status");
  await expect(made).toContainText("Đã tạo tài khoản hoa.nguyen.");
  const code = /(\d{4} \d{4})/.exec((await made.textContent()) ?? "")?.[1];
  expect(code).toBeTruthy();
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Nguyễn Thị Hoa" }) });
  await expect(card).toContainText("Bí thư chi bộ · Chi bộ Thôn Đông Hạ");
  await expect(card).toContainText("Chưa đăng nhập");

  // The secretary signs in with the code on a phone, chooses a password, and lands on
  // the cell.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "vi-VN" });
  const secretary = await phone.newPage();
  await secretary.goto(`${site}/login`);
  await secretary.getByLabel("Tên đăng nhập").fill("hoa.nguyen");
  await secretary.getByLabel("Mật khẩu").fill(code!);
  await secretary.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(secretary).toHaveURL(/\/welcome$/);
  await secretary.getByLabel("Mật khẩu mới", { exact: true }).fill("lua-chin-dong-xa");
  await secretary.getByLabel("Nhập lại mật khẩu mới").fill("lua-chin-dong-xa");
  await secretary.getByRole("button", { name: "Lưu mật khẩu và tiếp tục" }).click();
  await expect(secretary.getByRole("heading", { level: 1, name: "Chi bộ Thôn Đông Hạ" })).toBeVisible();
  await phone.close();

  // The committee sees the secretary has signed in with a password of her own.
  await page.reload();
  await expect(card).toContainText("Đã tự đặt mật khẩu");
  await expect(card).not.toContainText("Chưa đăng nhập");
  const accountsAxe = await new AxeBuilder({ page }).analyze();
  expect(accountsAxe.violations.map((v) => v.id)).toEqual([]);
});

test("the set-up page fits a phone", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "phone", "the phone's size");
  await page.goto(`${site}/setup`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await noHorizontalScroll(page);
});
