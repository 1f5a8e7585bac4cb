import { readFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { test, expect, hydrated, noHorizontalScroll } from "./fixtures";

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
  test.setTimeout(240_000);
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
  await expect(page.locator(".who__name")).toHaveText("Văn phòng Đảng ủy xã Thanh Trì");
  // The words follow the ward's kind: a xã's pages say "xã".
  const mainNav = page.getByRole("navigation", { name: "Điều hướng chính" });
  await expect(mainNav.getByRole("link", { name: "Kiến nghị toàn xã" })).toBeVisible();
  await expect(mainNav.getByRole("link", { name: "Báo cáo toàn xã" })).toBeVisible();

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

  await cell.getByText("Sửa, giao phụ trách, giải thể chi bộ").click();
  const rename = cell.getByRole("form", { name: "Sửa tên, mã chi bộ" });
  await rename.getByLabel("Tên đơn vị").fill("Chi bộ Thôn Đông Hạ");
  await rename.getByRole("button", { name: "Lưu" }).click();
  const renamed = page.getByRole("region", { name: "Chi bộ Thôn Đông Hạ" });
  await expect(renamed.getByText("TT-DONG", { exact: true })).toBeVisible();
  await expect(renamed.getByRole("listitem").filter({ hasText: "Tổ đảng số 1" })).toBeVisible();

  // Nobody answers for the new cell yet; the committee's office takes it on (R9).
  await expect(renamed.getByText("Chưa có cấp ủy viên phụ trách")).toBeVisible();
  await renamed.getByText("Sửa, giao phụ trách, giải thể chi bộ").click();
  const steward = renamed.getByRole("form", { name: "Cấp ủy viên phụ trách – Chi bộ Thôn Đông Hạ" });
  await steward.getByLabel("Cấp ủy viên phụ trách").selectOption({ label: "Văn phòng Đảng ủy xã Thanh Trì" });
  await steward.getByRole("button", { name: "Giao phụ trách" }).click();
  await expect(page.getByRole("region", { name: "Chi bộ Thôn Đông Hạ" })).toContainText(
    "Cấp ủy viên phụ trách: Văn phòng Đảng ủy xã Thanh Trì",
  );

  // The new cell is the committee's to open from its list of cells, and its start page
  // shows it among the cells its office answers for.
  await page.goto(`${site}/cells`);
  await expect(page.getByRole("link", { name: "Chi bộ Thôn Đông Hạ" }).first()).toBeVisible();
  const stewards = page.getByRole("region", { name: "Cấp ủy viên phụ trách chi bộ" });
  const mine = stewards.locator(".steward").filter({ hasText: "Văn phòng Đảng ủy xã Thanh Trì" });
  await expect(mine).toContainText("1 chi bộ");
  await expect(mine.getByRole("row", { name: /Chi bộ Thôn Đông Hạ/ })).toContainText("0 / 0");
  await expect(stewards.getByText("Chi bộ chưa có cấp ủy viên phụ trách")).toHaveCount(0);

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

  // At her desk, the secretary brings the cell's members and households in from
  // spreadsheets, each household with the member who looks after it.
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "vi-VN" });
  const sec = await desk.newPage();
  await sec.goto(`${site}/login`);
  await sec.getByLabel("Tên đăng nhập").fill("hoa.nguyen");
  await sec.getByLabel("Mật khẩu").fill("lua-chin-dong-xa");
  await sec.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(sec.getByRole("heading", { level: 1, name: "Chi bộ Thôn Đông Hạ" })).toBeVisible();
  await sec.getByRole("link", { name: "Nhập, xuất dữ liệu" }).click();
  await expect(sec.getByRole("heading", { name: "Nhập từ bảng tính" })).toBeVisible();
  await hydrated(sec);
  const importCsv = async (name: string, lines: string[], kind: string, rows: number) => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join("\r\n") + "\r\n")]);
    await sec.getByLabel("Tệp Excel hoặc CSV").setInputFiles({ name, mimeType: "text/csv", buffer: body });
    await sec.getByRole("button", { name: "Tải lên và xem trước" }).click();
    await expect(sec.getByLabel("Trang tính này là danh sách")).toHaveValue(kind);
    await sec.getByRole("button", { name: "Kiểm tra toàn bộ tệp" }).click();
    await expect(sec.getByRole("heading", { name: `Tệp hợp lệ: ${rows} dòng` })).toBeVisible();
    await sec.getByRole("button", { name: "Ghi vào chi bộ" }).click();
    await expect(sec.getByRole("heading", { name: "Đã nhập xong" })).toBeVisible();
  };
  await importCsv(
    "dang-vien.csv",
    ["Họ và tên,Năm sinh,Giới tính,Ngõ,Số nhà", "Lê Văn Nam,1961,Nam,Ngõ Đông,12", "Trần Thị Mận,1975,Nữ,Ngõ Đông,20"],
    "members",
    2,
  );
  await sec.getByRole("button", { name: "Nhập tệp khác" }).click();
  await importCsv(
    "ho-gia-dinh.csv",
    [
      "Chủ hộ,Số nhà,Ngõ,Nhân khẩu,Đảng viên phụ trách",
      "Đỗ Văn Hải,14,Ngõ Đông,4,Lê Văn Nam",
      "Phan Thị Lựu,16,Ngõ Đông,3,Lê Văn Nam",
      "Vũ Văn Khang,22,Ngõ Đông,5,Trần Thị Mận",
    ],
    "households",
    3,
  );

  // Sign-ins for the whole cell in one click, and the cards to hand out, printed.
  await sec.getByRole("navigation", { name: "Chi bộ" }).getByRole("link", { name: "Tài khoản" }).click();
  await expect(sec).toHaveURL(/\/cells\/\d+\/sign-ins$/);
  await sec.getByRole("button", { name: "Cấp tài khoản cho 2 đảng viên chưa có" }).click();
  await expect(sec.getByRole("status")).toHaveText(/^Đã cấp tài khoản cho 2 đảng viên\./);
  const cards = sec.locator(".sign-in-card");
  await expect(cards).toHaveCount(2);
  await sec.emulateMedia({ media: "print" });
  await expect(sec.locator(".site-header")).toBeHidden();
  await expect(cards.first()).toBeVisible();
  await sec.emulateMedia({ media: "screen" });
  const namCard = cards.filter({ hasText: "Lê Văn Nam" });
  await expect(namCard.getByRole("img", { name: "Mã QR mở trang đăng nhập" })).toBeVisible();
  const namUser = (await namCard.locator("dd strong").first().textContent())!.trim();
  const namCode = (await namCard.locator(".sign-in-card__code").textContent())!.trim();
  expect(namUser).toBe("nam.le");
  await desk.close();

  // The member scans the card on his phone: the username is filled in, the code signs him
  // in once, he chooses a password, and sees the households he looks after.
  const memberPhone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "vi-VN" });
  const nam = await memberPhone.newPage();
  await nam.goto(`${site}/login?u=${namUser}`);
  await hydrated(nam);
  await expect(nam.getByLabel("Tên đăng nhập")).toHaveValue(namUser);
  await nam.getByLabel("Mật khẩu").fill(namCode);
  await nam.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(nam).toHaveURL(/\/welcome$/);
  await nam.getByLabel("Mật khẩu mới", { exact: true }).fill("ngo-dong-nha-so-12");
  await nam.getByLabel("Nhập lại mật khẩu mới").fill("ngo-dong-nha-so-12");
  await nam.getByRole("button", { name: "Lưu mật khẩu và tiếp tục" }).click();
  await expect(nam).toHaveURL(/\/my$/);
  await expect(nam.getByRole("heading", { level: 1, name: "Hộ tôi phụ trách" })).toBeVisible();
  await expect(nam.getByText("Đỗ Văn Hải")).toBeVisible();
  await expect(nam.getByText("Phan Thị Lựu")).toBeVisible();
  await expect(nam.getByText("Vũ Văn Khang")).toHaveCount(0);
  await noHorizontalScroll(nam);
  await memberPhone.close();

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
